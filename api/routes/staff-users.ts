// The staff lifecycle: disable and enable an account, change its role or approval limit, reset its
// password (administrators), and change one's own password (everyone). Each change ends the
// user's sessions at once: tokens issued up to now are refused, and a disabled user cannot log in.
import { randomBytes } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { problem } from '../../domain/errors.js';
import { ROLES, type Role } from '../../domain/types.js';
import type { TransactionSql } from '../../lib/db-client.js';
import type { Security } from '../../security/authenticator.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../security/passwords.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, MoneyString } from '../schemas.js';

const STAFF_ROLES = ROLES.filter((r): r is Exclude<Role, 'BORROWER'> => r !== 'BORROWER');

const UserIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

const StaffState = z
  .object({
    userId: z.string(),
    role: z.enum(ROLES),
    status: z.enum(['ACTIVE', 'DISABLED']),
    approvalLimit: z.string().nullable(),
    mustChangePassword: z.boolean(),
    sessionsEndedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('StaffUserState');

const RoleBody = z
  .object({ role: z.enum(STAFF_ROLES) })
  .strict()
  .openapi('ChangeRoleRequest');

const ApprovalLimitBody = z
  .object({
    approvalLimit: MoneyString.nullable().openapi({
      description: "The person's own approval limit; the lower of it and the role's limit applies. Null removes it.",
    }),
  })
  .strict()
  .openapi('ApprovalLimitRequest');

const PasswordBody = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().max(256) })
  .strict()
  .openapi('ChangePasswordRequest');

const ResetAnswer = z
  .object({
    userId: z.string(),
    temporaryPassword: z.string().openapi({ description: 'Shown once; only lets the user set a new password' }),
    sessionsEndedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('PasswordResetResult');

const userAction = (path: string, summary: string, description: string) =>
  secureRoute({
    method: 'post',
    path,
    access: 'user:manage',
    summary,
    description,
    request: { params: UserIdParam },
    responses: {
      200: { description: 'Done; the user’s sessions ended', content: { 'application/json': { schema: StaffState } } },
      ...errorResponses,
    },
  });

const disable = userAction(
  '/users/{id}/disable',
  '停用员工账号 / Disable a staff account',
  'The user’s tokens stop working at once and the user cannot log in. Not for one’s own account (409).',
);
const enable = userAction(
  '/users/{id}/enable',
  '启用员工账号 / Enable a staff account',
  'The user may log in again; tokens from before stay dead.',
);

const changeRole = secureRoute({
  method: 'put',
  path: '/users/{id}/role',
  access: 'user:manage',
  summary: '变更员工角色 / Change a staff role',
  description: 'Ends the user’s sessions. Not for one’s own account or a borrower (409).',
  request: { params: UserIdParam, body: { required: true, content: { 'application/json': { schema: RoleBody } } } },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: StaffState } } },
    ...errorResponses,
  },
});

const setApprovalLimit = secureRoute({
  method: 'put',
  path: '/users/{id}/approval-limit',
  access: 'user:manage',
  summary: '设置个人审批权限 / Set a person’s approval limit',
  description: 'Ends the user’s sessions, so the new limit is what they approve under. Not for one’s own account.',
  request: {
    params: UserIdParam,
    body: { required: true, content: { 'application/json': { schema: ApprovalLimitBody } } },
  },
  responses: {
    200: { description: 'Set', content: { 'application/json': { schema: StaffState } } },
    ...errorResponses,
  },
});

const resetPassword = secureRoute({
  method: 'post',
  path: '/users/{id}/reset-password',
  access: 'user:manage',
  summary: '重置员工密码 / Reset a staff password',
  description:
    'A temporary password, shown once. Logging in with it answers mustChangePassword: true, and every other call answers 403 PASSWORD_CHANGE_REQUIRED until POST /v1/auth/password. Unlocks the account; ends its sessions.',
  request: { params: UserIdParam },
  responses: {
    200: { description: 'Reset', content: { 'application/json': { schema: ResetAnswer } } },
    ...errorResponses,
  },
});

const changePassword = secureRoute({
  method: 'post',
  path: '/password',
  access: 'AUTHENTICATED',
  openDuringPasswordChange: true,
  summary: '修改本人密码 / Change one’s own password',
  description: 'Needs the current password. Ends every session of the user, this one too: log in again.',
  request: { body: { required: true, content: { 'application/json': { schema: PasswordBody } } } },
  responses: {
    204: { description: 'Changed; log in again with the new password' },
    ...errorResponses,
  },
});

function jsonBody<S extends z.ZodType>(c: { req: { valid(target: never): unknown } }): z.output<S> {
  return c.req.valid('json' as never) as z.output<S>;
}

interface StaffRow {
  id: string;
  role: Role;
  status: 'ACTIVE' | 'DISABLED';
  username: string | null;
  approval_limit: string | null;
  must_change_password: boolean;
}

const notStaff = () =>
  ApiError.conflict('NOT_STAFF', {
    zh: '该账户为借款人账户，不能在此管理',
    en: 'This is a borrower account; it is not managed here',
  });

const notOwnAccount = () =>
  ApiError.conflict('OWN_ACCOUNT', {
    zh: '不能对自己的账户执行此操作，请由另一位管理员处理',
    en: 'Not on your own account; another administrator must do this',
  });

/** 16 random characters, with a letter and a digit so it meets the password policy. */
function temporaryPassword(): string {
  return `T${randomBytes(12).toString('base64url')}7`;
}

/** Mounted at /v1/auth, next to the log-in routes. */
export function staffUserRoutes(security: Security): RouteModule {
  const { revocations } = security;

  return (deps) => {
    const router = newRouter();
    const { sql } = deps;

    /** The staff account, locked for the change; refuses borrowers and the caller's own account. */
    async function lockStaff(tx: TransactionSql, id: string, callerId: string): Promise<StaffRow> {
      const [row] = await tx<StaffRow[]>`
        select id, role, status, username, approval_limit, must_change_password from users where id = ${id} for update`;
      if (!row) throw ApiError.notFound({ zh: '用户', en: 'User' });
      if (row.role === 'BORROWER') throw notStaff();
      if (row.id === callerId) throw notOwnAccount();
      return row;
    }

    /** Applies `change` and ends the user's sessions in one transaction; audits it there too. */
    async function changeStaff(
      c: Parameters<typeof auditRequest>[0],
      id: string,
      action: string,
      change: (tx: TransactionSql, row: StaffRow) => Promise<Record<string, unknown>>,
      takesControl?: 'PASSWORD_RESET' | 'ROLE_CHANGE',
    ) {
      const now = deps.now();
      const caller = currentUser(c);
      const row = await sql.begin(async (tx) => {
        const before = await lockStaff(tx, id, caller.userId);
        const detail = await change(tx, before);
        if (takesControl) {
          // The caller now holds the account's password or set its duties: reviews treat the
          // account as the caller's (api/review-authority.ts).
          await tx`
            insert into user_controls (user_id, controller_id, via, at)
            values (${id}, ${caller.userId}, ${takesControl}, ${now})
            on conflict do nothing`;
        }
        const [after] = await tx<StaffRow[]>`
          update users set tokens_valid_after = greatest(coalesce(tokens_valid_after, ${now}), ${now})
          where id = ${id}
          returning id, role, status, username, approval_limit, must_change_password`;
        await auditRequest(c, tx, {
          action,
          result: 'SUCCESS',
          resourceType: 'user',
          resourceId: id,
          detail: { username: before.username, ...detail },
          at: now,
        });
        return after!;
      });
      await revocations.revokeAllForUser(id, now);
      return { row, now };
    }

    const state = (row: StaffRow, now: Date) => ({
      userId: row.id,
      role: row.role,
      status: row.status,
      approvalLimit: row.approval_limit,
      mustChangePassword: row.must_change_password,
      sessionsEndedAt: now.toISOString(),
    });

    router.openapi(disable, async (c) => {
      const { id } = c.req.valid('param');
      const { row, now } = await changeStaff(c, id, 'USER_DISABLE', async (tx, before) => {
        await tx`update users set status = 'DISABLED' where id = ${id}`;
        return { from: before.status };
      });
      return c.json(state(row, now), 200);
    });

    router.openapi(enable, async (c) => {
      const { id } = c.req.valid('param');
      const { row, now } = await changeStaff(c, id, 'USER_ENABLE', async (tx, before) => {
        await tx`update users set status = 'ACTIVE' where id = ${id}`;
        return { from: before.status };
      });
      return c.json(state(row, now), 200);
    });

    router.openapi(changeRole, async (c) => {
      const { id } = c.req.valid('param');
      const { role } = jsonBody<typeof RoleBody>(c);
      const { row, now } = await changeStaff(
        c,
        id,
        'USER_ROLE_CHANGE',
        async (tx, before) => {
          await tx`update users set role = ${role} where id = ${id}`;
          return { from: before.role, to: role };
        },
        'ROLE_CHANGE',
      );
      return c.json(state(row, now), 200);
    });

    router.openapi(setApprovalLimit, async (c) => {
      const { id } = c.req.valid('param');
      const { approvalLimit } = jsonBody<typeof ApprovalLimitBody>(c);
      const { row, now } = await changeStaff(c, id, 'USER_APPROVAL_LIMIT_CHANGE', async (tx, before) => {
        await tx`update users set approval_limit = ${approvalLimit} where id = ${id}`;
        return { from: before.approval_limit, to: approvalLimit };
      });
      return c.json(state(row, now), 200);
    });

    router.openapi(resetPassword, async (c) => {
      const { id } = c.req.valid('param');
      const password = temporaryPassword();
      const passwordHash = await hashPassword(password);
      const { now } = await changeStaff(
        c,
        id,
        'USER_PASSWORD_RESET',
        async (tx) => {
          await tx`
          update users set password_hash = ${passwordHash}, must_change_password = true,
            failed_logins = 0, locked_until = null
          where id = ${id}`;
          return {};
        },
        'PASSWORD_RESET',
      );
      return c.json({ userId: id, temporaryPassword: password, sessionsEndedAt: now.toISOString() }, 200);
    });

    router.openapi(changePassword, async (c) => {
      const user = currentUser(c);
      const { currentPassword, newPassword } = jsonBody<typeof PasswordBody>(c);
      const now = deps.now();
      const [row] = await sql<{ password_hash: string; username: string | null }[]>`
        select password_hash, username from users where id = ${user.userId}`;
      if (!row) throw ApiError.unauthenticated();
      if (!(await verifyPassword(row.password_hash, currentPassword))) {
        await auditRequest(c, sql, {
          action: 'PASSWORD_CHANGE',
          result: 'FAILURE',
          resourceType: 'user',
          resourceId: user.userId,
          detail: { reason: 'WRONG_CURRENT_PASSWORD' },
          at: now,
        });
        throw ApiError.validation([
          problem('currentPassword', 'WRONG_PASSWORD', '当前密码不正确', 'The current password is wrong'),
        ]);
      }
      const problems = checkPasswordPolicy(newPassword, { username: row.username ?? user.username }, 'newPassword');
      if (newPassword === currentPassword) {
        problems.push(
          problem(
            'newPassword',
            'PASSWORD_UNCHANGED',
            '新密码不能与当前密码相同',
            'The new password must differ from the current one',
          ),
        );
      }
      if (problems.length > 0) throw ApiError.validation(problems);
      const passwordHash = await hashPassword(newPassword);
      await sql.begin(async (tx) => {
        await tx`
          update users set password_hash = ${passwordHash}, must_change_password = false, password_changed_at = ${now},
            tokens_valid_after = greatest(coalesce(tokens_valid_after, ${now}), ${now})
          where id = ${user.userId}`;
        await auditRequest(c, tx, {
          action: 'PASSWORD_CHANGE',
          result: 'SUCCESS',
          resourceType: 'user',
          resourceId: user.userId,
          detail: user.mustChangePassword ? { afterReset: true } : {},
          at: now,
        });
      });
      await revocations.revokeAllForUser(user.userId, now);
      return c.body(null, 204);
    });

    return router;
  };
}
