import { z } from '@hono/zod-openapi';
import { ROLES, type Role } from '../../domain/types.js';
import { localDateOf } from '../../domain/business-time.js';
import { problem, type FieldProblem } from '../../domain/errors.js';
import { maskIdNumber, maskName, maskPhone } from '../../domain/masking.js';
import { readText, take } from '../../domain/validation/fields.js';
import { validateIdNumber } from '../../domain/validation/id-number.js';
import { normalizePhone, validatePhone } from '../../domain/validation/phone.js';
import type { Security } from '../../security/authenticator.js';
import { blindIndex } from '../../security/blind-index.js';
import { MAX_SESSION_SECONDS } from '../../security/tokens.js';
import { USER_FIELDS } from '../../security/encryption-contexts.js';
import {
  burnPasswordCheck,
  checkPasswordPolicy,
  hashPassword,
  USERNAME_PATTERN,
  verifyPassword,
} from '../../security/passwords.js';
import { can } from '../../security/permissions.js';
import { newRouter, type RouteModule } from '../app.js';
import { clearCodecSession, setCodecSession } from '../codec-session.js';
import { insertBorrower } from '../borrowers.js';
import { ApiError } from '../errors.js';
import {
  accountLocked,
  assertAccountUnlocked,
  assertLoginAllowed,
  assertRegistrationAllowed,
  loginSource,
} from '../login-refusals.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { MoneyString } from '../schemas.js';
import { checkIdentity } from '../identity-check.js';
import { smsCodeFormatProblem, smsCodeRefused } from '../sms-code-problems.js';
import { verifySmsCode } from '../../security/sms-codes.js';
import { createIdentityClient } from '../../partners/identity-client.js';

const STAFF_ROLES = ROLES.filter((r): r is Exclude<Role, 'BORROWER'> => r !== 'BORROWER');

const invalidCredentials = () =>
  new ApiError(401, 'INVALID_CREDENTIALS', { zh: '用户名或密码错误', en: 'Wrong username or password' });

const RegisterBody = z
  .object({
    phone: z.string().max(32),
    password: z.string().max(256),
    name: z.string().max(200),
    idNumber: z.string().max(32),
    smsCode: z.string().max(16).openapi({
      description: 'The code sent by POST /v1/auth/sms-codes {phone, purpose: "REGISTER"}',
    }),
  })
  .strict()
  .openapi('RegisterRequest');

const ClaimBody = z
  .object({
    phone: z.string().max(32),
    smsCode: z.string().max(16).openapi({
      description: 'The code sent by POST /v1/auth/sms-codes {phone, purpose: "CLAIM_ACCOUNT"}',
    }),
    password: z.string().max(256),
  })
  .strict()
  .openapi('ClaimAccountRequest');

const LoginBody = z
  .object({
    username: z.string().min(1).max(64).openapi({ description: "Staff username, or a borrower's mobile number" }),
    password: z.string().min(1).max(256),
  })
  .strict()
  .openapi('LoginRequest');

const LoginResult = z
  .object({
    token: z.string(),
    role: z.enum(ROLES),
    expiresAt: z.string().openapi({ format: 'date-time' }),
    mustChangePassword: z.boolean().openapi({
      description:
        'True after an administrator reset the password: every call but POST /v1/auth/password answers 403 PASSWORD_CHANGE_REQUIRED',
    }),
  })
  .openapi('LoginResult');

const Me = z
  .object({
    userId: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    phone: z.string().nullable().openapi({ description: 'masked' }),
    name: z.string().nullable().openapi({ description: 'masked' }),
    idNumber: z.string().nullable().openapi({ description: 'masked' }),
  })
  .openapi('CurrentUser');

const CreateStaffBody = z
  .object({
    username: z.string().max(64),
    role: z.enum(STAFF_ROLES),
    password: z.string().max(256),
    name: z.string().max(200).optional(),
    approvalLimit: MoneyString.optional().openapi({
      description: "The person's own approval limit; the lower of it and the role's limit applies",
    }),
  })
  .strict()
  .openapi('CreateStaffUserRequest');

const UserIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const Created = z.object({ userId: z.string() });

const register = secureRoute({
  method: 'post',
  path: '/register',
  access: 'PUBLIC',
  summary: '借款人注册 / Borrower self-registration',
  request: { body: { required: true, content: { 'application/json': { schema: RegisterBody } } } },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: Created } } },
    400: { description: 'Invalid fields, or a wrong, expired or used smsCode' },
    409: { description: 'Phone or ID number already registered' },
    422: { description: 'The identity register does not have this name for this ID number' },
    503: { description: 'The identity-verification service is unavailable; retry later' },
  },
});

const claim = secureRoute({
  method: 'post',
  path: '/claim',
  access: 'PUBLIC',
  summary: '认领账户（信贷员代录的借款人）/ Claim the account a loan officer entered',
  description:
    'A borrower entered by a loan officer has no password. With a CLAIM_ACCOUNT code sent to the phone on the application, they set one; then they log in with the phone and sign.',
  request: { body: { required: true, content: { 'application/json': { schema: ClaimBody } } } },
  responses: {
    200: {
      description: 'Claimed; log in with the phone and password',
      content: { 'application/json': { schema: Created } },
    },
    400: { description: 'Invalid fields, or a wrong, expired or used smsCode' },
    409: { description: 'The account was already claimed' },
  },
});

const login = secureRoute({
  method: 'post',
  path: '/login',
  access: 'PUBLIC',
  summary: '登录 / Log in',
  request: { body: { required: true, content: { 'application/json': { schema: LoginBody } } } },
  responses: {
    200: {
      description:
        'Access token. For a role with codec:use, also the HttpOnly codec session cookie (path /codec) holding it, for Temporal Web',
      content: { 'application/json': { schema: LoginResult } },
    },
    401: { description: 'Wrong username or password' },
    403: { description: 'Account disabled' },
    423: { description: 'Account locked after repeated failures' },
    429: { description: 'Too many attempts from this address' },
  },
});

const logout = secureRoute({
  method: 'post',
  path: '/logout',
  access: 'AUTHENTICATED',
  openDuringPasswordChange: true,
  summary: '退出登录（吊销当前令牌）/ Log out (revokes the current token)',
  responses: { 204: { description: 'Token revoked; the codec session cookie is cleared' } },
});

const refresh = secureRoute({
  method: 'post',
  path: '/refresh',
  access: 'AUTHENTICATED',
  summary: '续期令牌 / Refresh the access token',
  description:
    'A new token for the session of the bearer token, which must still be valid (not expired, revoked, disabled or re-roled). The session keeps its login time: 12 hours after the login the answer is 401 SESSION_TOO_OLD and the user signs in again. The previous token stays valid until it expires. Audited as TOKEN_REFRESH.',
  responses: {
    200: { description: 'The new token', content: { 'application/json': { schema: LoginResult } } },
    401: { description: 'No valid token, or the session began more than 12 hours ago' },
  },
});

const me = secureRoute({
  method: 'get',
  path: '/me',
  access: 'AUTHENTICATED',
  openDuringPasswordChange: true,
  summary: '当前用户 / The signed-in user',
  responses: { 200: { description: 'The signed-in user, masked', content: { 'application/json': { schema: Me } } } },
});

const createStaff = secureRoute({
  method: 'post',
  path: '/users',
  access: 'user:manage',
  summary: '创建员工账号 / Create a staff user',
  request: { body: { required: true, content: { 'application/json': { schema: CreateStaffBody } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: Created } } },
    409: { description: 'Username taken' },
  },
});

const revokeTokens = secureRoute({
  method: 'post',
  path: '/users/{id}/revoke-tokens',
  access: 'user:manage',
  summary: '吊销用户全部令牌 / Revoke all tokens of a user',
  request: { params: UserIdParam },
  responses: {
    200: {
      description: 'All tokens issued so far are refused',
      content: { 'application/json': { schema: z.object({ userId: z.string(), revokedAt: z.string() }) } },
    },
    404: { description: 'No such user' },
  },
});

/**
 * The validated JSON body. secureRoute's return type hides the body's type from
 * c.req.valid('json'), though the body is still validated against the schema before the handler runs.
 */
function jsonBody<S extends z.ZodType>(c: { req: { valid(target: never): unknown } }): z.output<S> {
  return c.req.valid('json' as never) as z.output<S>;
}

interface LoginRow {
  id: string;
  role: Role;
  username: string | null;
  status: string;
  password_hash: string;
  locked_until: Date | null;
  must_change_password: boolean;
}

function throwIfProblems(problems: FieldProblem[]): void {
  if (problems.length > 0) throw ApiError.validation(problems);
}

/** Mounted at /v1/auth. */
export function authRoutes(security: Security): RouteModule {
  const { cipher, keyring, signer, revocations, throttle } = security;

  return (deps) => {
    const router = newRouter();
    const { sql } = deps;
    const identityClient = deps.config.IDENTITY_URL
      ? createIdentityClient({ baseUrl: deps.config.IDENTITY_URL, log: deps.log, timeoutMs: 10_000 })
      : null;

    router.openapi(register, async (c) => {
      const body = jsonBody<typeof RegisterBody>(c);
      const now = deps.now();
      const ip = loginSource(c);
      // Each duplicate answer tells whether a phone or ID number is registered, so they count against the address.
      assertRegistrationAllowed(throttle, ip, now);
      const problems: FieldProblem[] = [];
      const phone = take(validatePhone(body.phone, 'phone'), problems);
      const id = take(
        validateIdNumber(body.idNumber, localDateOf(now.getTime(), deps.config.BUSINESS_TIME_ZONE), 'idNumber'),
        problems,
      );
      const name = readText(body.name, 'name', problems, { maxLength: 50 });
      problems.push(...checkPasswordPolicy(body.password, { phone: phone ?? body.phone }));
      const codeProblem = smsCodeFormatProblem(body.smsCode);
      if (codeProblem) problems.push(codeProblem);
      throwIfProblems(problems);

      const code = await verifySmsCode({ sql, keyring }, { phone: phone!, purpose: 'REGISTER', code: body.smsCode });
      if (!code.ok) {
        await auditRequest(c, sql, {
          action: 'USER_REGISTER',
          result: 'DENIED',
          resourceType: 'user',
          detail: { reason: `SMS_CODE_${code.reason}`, phone: maskPhone(phone!) },
          at: now,
        });
        throw smsCodeRefused(code.reason);
      }
      const identity = await checkIdentity(identityClient, { name: name!, idNumber: id!.idNumber });
      if (identity.refusal) {
        await auditRequest(c, sql, {
          action: 'USER_REGISTER',
          result: 'DENIED',
          resourceType: 'user',
          detail: {
            reason: identity.refusal.code,
            phone: maskPhone(phone!),
            idNumber: maskIdNumber(id!.idNumber),
            identityVerificationId: identity.verificationId,
          },
          at: now,
        });
        if (identity.refusal.status === 503) c.header('Retry-After', '30');
        throw identity.refusal;
      }

      const passwordHash = await hashPassword(body.password);
      const userId = await insertBorrower(sql, security, {
        phone: phone!,
        name: name!,
        idNumber: id!.idNumber,
        passwordHash,
        createdAt: now,
      });
      if (!userId) {
        throttle.recordRegistrationFailure(ip, now);
        await auditRequest(c, sql, {
          action: 'USER_REGISTER',
          result: 'FAILURE',
          resourceType: 'user',
          detail: { reason: 'DUPLICATE', phone: maskPhone(phone!) },
          at: now,
        });
        throw ApiError.conflict('ALREADY_REGISTERED', {
          zh: '该手机号或身份证号已注册',
          en: 'This phone number or ID number is already registered',
        });
      }
      await auditRequest(c, sql, {
        action: 'USER_REGISTER',
        result: 'SUCCESS',
        actorId: userId,
        actorRole: 'BORROWER',
        resourceType: 'user',
        resourceId: userId,
        detail: { smsVerificationId: code.verificationId, identityVerificationId: identity.verificationId },
        at: now,
      });
      return c.json({ userId }, 201);
    });

    router.openapi(claim, async (c) => {
      const body = jsonBody<typeof ClaimBody>(c);
      const now = deps.now();
      const problems: FieldProblem[] = [];
      const phone = take(validatePhone(body.phone, 'phone'), problems);
      problems.push(...checkPasswordPolicy(body.password, { phone: phone ?? body.phone }));
      const codeProblem = smsCodeFormatProblem(body.smsCode);
      if (codeProblem) problems.push(codeProblem);
      throwIfProblems(problems);

      const code = await verifySmsCode(
        { sql, keyring },
        { phone: phone!, purpose: 'CLAIM_ACCOUNT', code: body.smsCode },
      );
      if (!code.ok) {
        await auditRequest(c, sql, {
          action: 'USER_CLAIM',
          result: 'DENIED',
          resourceType: 'user',
          detail: { reason: `SMS_CODE_${code.reason}`, phone: maskPhone(phone!) },
          at: now,
        });
        throw smsCodeRefused(code.reason);
      }
      const passwordHash = await hashPassword(body.password);
      // Only an account nobody has chosen a password for: a claimed one stays its owner's.
      const [claimed] = await sql<{ id: string }[]>`
        update users set password_hash = ${passwordHash}
        where phone_hash = ${blindIndex(keyring, 'phone', phone!)} and role = 'BORROWER' and password_hash = '!'
        returning id`;
      if (!claimed) {
        await auditRequest(c, sql, {
          action: 'USER_CLAIM',
          result: 'FAILURE',
          resourceType: 'user',
          detail: { reason: 'NOTHING_TO_CLAIM', phone: maskPhone(phone!) },
          at: now,
        });
        throw ApiError.conflict('NOTHING_TO_CLAIM', {
          zh: '该手机号没有待认领的账户',
          en: 'No account waits to be claimed with this phone number',
        });
      }
      await auditRequest(c, sql, {
        action: 'USER_CLAIM',
        result: 'SUCCESS',
        actorId: claimed.id,
        actorRole: 'BORROWER',
        resourceType: 'user',
        resourceId: claimed.id,
        detail: { smsVerificationId: code.verificationId },
        at: now,
      });
      return c.json({ userId: claimed.id }, 200);
    });

    router.openapi(login, async (c) => {
      const { username, password } = jsonBody<typeof LoginBody>(c);
      const now = deps.now();
      const ip = loginSource(c);
      const phone = normalizePhone(username);
      const shown = phone ? maskPhone(phone) : username.trim().toLowerCase().slice(0, 64);
      const audit = (
        result: 'SUCCESS' | 'FAILURE' | 'DENIED',
        reason: string | null,
        user?: { id: string; role: string },
      ) =>
        auditRequest(c, sql, {
          action: 'LOGIN',
          result,
          actorId: user?.id ?? null,
          actorRole: user?.role ?? null,
          resourceType: 'user',
          resourceId: user?.id ?? null,
          detail: reason ? { username: shown, reason } : { username: shown },
          at: now,
        });

      try {
        assertLoginAllowed(throttle, ip, now);
      } catch (err) {
        await audit('DENIED', 'RATE_LIMITED');
        throw err;
      }

      const [user] = await sql<LoginRow[]>`
        select id, role, username, status, password_hash, locked_until, must_change_password from users
        where ${phone ? sql`phone_hash = ${blindIndex(keyring, 'phone', phone)}` : sql`username = ${username.trim().toLowerCase()}`}`;

      if (!user) {
        await burnPasswordCheck(password);
        await throttle.recordFailure(ip, null, now);
        await audit('FAILURE', 'UNKNOWN_USER');
        throw invalidCredentials();
      }
      try {
        assertAccountUnlocked(throttle, user.locked_until, now);
      } catch (err) {
        await throttle.recordFailure(ip, null, now);
        await audit('DENIED', 'ACCOUNT_LOCKED', user);
        throw err;
      }
      if (!(await verifyPassword(user.password_hash, password))) {
        const { lockedUntil } = await throttle.recordFailure(ip, user.id, now);
        await audit('FAILURE', lockedUntil ? 'WRONG_PASSWORD_LOCKED' : 'WRONG_PASSWORD', user);
        throw lockedUntil ? accountLocked(lockedUntil, now) : invalidCredentials();
      }
      if (user.status !== 'ACTIVE') {
        await audit('DENIED', 'ACCOUNT_DISABLED', user);
        throw ApiError.forbidden(
          { zh: '账户已停用，请联系管理员', en: 'This account is disabled; contact an administrator' },
          'ACCOUNT_DISABLED',
        );
      }

      await throttle.recordSuccess(ip, user.id, now);
      const mustChangePassword = user.must_change_password;
      const issued = signer.issue(
        { userId: user.id, role: user.role, username: user.username ?? shown, mustChangePassword },
        now,
      );
      await audit('SUCCESS', mustChangePassword ? 'PASSWORD_CHANGE_REQUIRED' : null, user);
      if (can(user.role, 'codec:use') && !mustChangePassword) setCodecSession(c, deps.config, issued, now);
      return c.json(
        { token: issued.token, role: user.role, expiresAt: issued.expiresAt.toISOString(), mustChangePassword },
        200,
      );
    });

    router.openapi(logout, async (c) => {
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      const claims = token ? signer.verify(token, deps.now()) : null;
      if (!claims) throw ApiError.unauthenticated();
      await revocations.revoke(claims, 'LOGOUT');
      await auditRequest(c, sql, {
        action: 'LOGOUT',
        result: 'SUCCESS',
        resourceType: 'token',
        resourceId: claims.jti,
        at: deps.now(),
      });
      clearCodecSession(c, deps.config);
      return c.body(null, 204);
    });

    router.openapi(refresh, async (c) => {
      const user = currentUser(c);
      const now = deps.now();
      const startedAt = user.sessionStartedAt ?? now.getTime() / 1000;
      if (now.getTime() / 1000 - startedAt > MAX_SESSION_SECONDS) {
        await auditRequest(c, sql, {
          action: 'TOKEN_REFRESH',
          result: 'DENIED',
          resourceType: 'token',
          resourceId: user.tokenId,
          detail: { reason: 'SESSION_TOO_OLD' },
          at: now,
        });
        throw new ApiError(401, 'SESSION_TOO_OLD', {
          zh: '登录已超过 12 小时，请重新登录',
          en: 'You signed in more than 12 hours ago; please sign in again',
        });
      }
      const issued = signer.issue(
        { userId: user.userId, role: user.role, username: user.username, sessionStartedAt: startedAt },
        now,
      );
      await auditRequest(c, sql, {
        action: 'TOKEN_REFRESH',
        result: 'SUCCESS',
        resourceType: 'token',
        resourceId: issued.claims.jti,
        detail: { previousTokenId: user.tokenId },
        at: now,
      });
      if (can(user.role, 'codec:use')) setCodecSession(c, deps.config, issued, now);
      return c.json(
        { token: issued.token, role: user.role, expiresAt: issued.expiresAt.toISOString(), mustChangePassword: false },
        200,
      );
    });

    router.openapi(me, async (c) => {
      const user = currentUser(c);
      const [row] = await sql<{ phone_enc: string | null; name_enc: string | null; id_number_enc: string | null }[]>`
        select phone_enc, name_enc, id_number_enc from users where id = ${user.userId}`;
      if (!row) throw ApiError.unauthenticated();
      const open = (value: string | null, context: string, mask: (v: string) => string) =>
        value ? mask(cipher.decrypt(value, context)) : null;
      return c.json(
        {
          userId: user.userId,
          username: user.username,
          role: user.role,
          phone: open(row.phone_enc, USER_FIELDS.phone, maskPhone),
          name: open(row.name_enc, USER_FIELDS.name, maskName),
          idNumber: open(row.id_number_enc, USER_FIELDS.idNumber, maskIdNumber),
        },
        200,
      );
    });

    router.openapi(createStaff, async (c) => {
      const body = jsonBody<typeof CreateStaffBody>(c);
      const now = deps.now();
      const username = body.username.trim().toLowerCase();
      const problems: FieldProblem[] = [];
      if (!USERNAME_PATTERN.test(username)) {
        problems.push(
          problem(
            'username',
            'INVALID_USERNAME',
            '用户名须以字母开头，3–32 位小写字母、数字、_ . -',
            'Username must start with a letter and have 3–32 lowercase letters, digits, _ . or -',
          ),
        );
      }
      const name = body.name === undefined ? undefined : readText(body.name, 'name', problems, { maxLength: 50 });
      problems.push(...checkPasswordPolicy(body.password, { username }));
      throwIfProblems(problems);

      const passwordHash = await hashPassword(body.password);
      const creator = currentUser(c);
      // The creator controls the new account (api/review-authority.ts), recorded in the same statement.
      const [row] = await sql<{ id: string }[]>`
        with created as (
          insert into users (role, username, name_enc, password_hash, created_at, created_by, approval_limit)
          values (${body.role}, ${username}, ${name ? cipher.encrypt(name, USER_FIELDS.name) : null}, ${passwordHash}, ${now},
                  ${creator.userId}, ${body.approvalLimit ?? null})
          on conflict do nothing
          returning id
        ), control as (
          insert into user_controls (user_id, controller_id, via, at)
          select id, ${creator.userId}, 'CREATE', ${now} from created
        )
        select id from created`;
      if (!row)
        throw ApiError.conflict('USERNAME_TAKEN', { zh: '用户名已被使用', en: 'This username is already taken' });
      await auditRequest(c, sql, {
        action: 'USER_CREATE',
        result: 'SUCCESS',
        resourceType: 'user',
        resourceId: row.id,
        detail: { username, role: body.role, approvalLimit: body.approvalLimit ?? null },
        at: now,
      });
      return c.json({ userId: row.id }, 201);
    });

    router.openapi(revokeTokens, async (c) => {
      const { id } = c.req.valid('param');
      const now = deps.now();
      const [exists] = await sql`select 1 from users where id = ${id}`;
      if (!exists) throw ApiError.notFound({ zh: '用户', en: 'User' });
      await revocations.revokeAllForUser(id, now);
      await auditRequest(c, sql, {
        action: 'USER_TOKENS_REVOKE',
        result: 'SUCCESS',
        resourceType: 'user',
        resourceId: id,
        at: now,
      });
      return c.json({ userId: id, revokedAt: now.toISOString() }, 200);
    });

    return router;
  };
}
