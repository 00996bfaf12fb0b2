// A workflow test file's world: a time-skipping server of its own, a fresh migrated database,
// the real activities with partner fakes, and a worker on a task queue of its own.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, inject } from 'vitest';
import { createActivities } from '../../../activities/index.js';
import { initialViewFields, loanWorkflowInput, startLoanWorkflow } from '../../../api/loan-workflows.js';
import { insertLoanApplication, newLoanId } from '../../../db/loans.js';
import { productForLoanType, seedDefaultProducts } from '../../../db/products.js';
import { recordCapitalInjection } from '../../../db/ledger-books.js';
import { OPENING_BALANCE_INJECTION } from '../../../domain/capital-reconciliation.js';
import type { Sql } from '../../../lib/db-client.js';
import type { LoanProduct } from '../../../domain/products.js';
import type { Application } from '../../../domain/validation/application.js';
import type { LoanType, Role } from '../../../domain/types.js';
import { captureWorkflow } from '../../../ops/history-capture.js';
import { CORPUS_DIR, type CorpusPhase } from '../../../ops/history-corpus.js';
import { createLogger } from '../../../lib/logger.js';
import { ROOT } from '../../../lib/tools.js';
import { blindIndex, borrowerHash } from '../../../security/blind-index.js';
import { USER_FIELDS } from '../../../security/encryption-contexts.js';
import { createFieldCipher } from '../../../security/field-crypto.js';
import { generateKeyring, type Keyring } from '../../../security/keyring.js';
import { messageSealing } from '../../../api/message-sealing.js';
import { messageRefusalSinks } from '../../../activities/message-refusals.js';
import { createPayloadCodec, temporalDataConverter } from '../../../security/payload-codec.js';
import type { LoanWorkflowInput } from '../../../contracts/loan-view.js';
import { createTestDatabase } from '../../setup/test-database.js';
import '../../setup/provided.js';
import { makeCardNumber, makeIdNumber, makePhone } from '../../../drivers/identities.js';
import { createFakeBank, createFakeBureau, createFakeNotify } from './fake-partners.js';

export const TIME_ZONE = 'Asia/Shanghai';

type TestEnvFactory = { create(opts: unknown): Promise<TestWorkflowEnvironment> };

/** Claims one of the suite's time-skipping servers for this harness alone (an exclusive create per index). */
function claimTimeSkippingServer(): string {
  const addresses = inject('timeSkippingAddresses');
  const claimDir = inject('timeSkippingClaimDir');
  for (const [index, address] of addresses.entries()) {
    try {
      closeSync(openSync(join(claimDir, `server-${index}`), 'wx'));
      return address;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(
    `All ${addresses.length} time-skipping servers are claimed: test/setup/workflow-global.ts starts one per createWorkflowHarness( call in test/workflow`,
  );
}

/**
 * Connects to a time-skipping server of this harness's own, or to the suite's real dev server. The
 * SDK's public factories either spawn a server (with a 5 s start-up limit) or connect without time
 * skipping; this uses the same factory they do, with an existing server that does skip time.
 */
async function connectTestServer(
  dataConverter: object,
  realServer: boolean,
  keyring: Keyring,
): Promise<TestWorkflowEnvironment> {
  // Seals carry the server's time, as the API's carry the wall clock: the workflow refuses an update
  // sealed long before it arrives, and here the server's clock runs ahead of the wall clock.
  const created: { env?: TestWorkflowEnvironment } = {};
  const serverTime = async () => new Date(created.env ? await created.env.currentTimeMs() : Date.now());
  const env = await (TestWorkflowEnvironment as unknown as TestEnvFactory).create({
    server: { type: 'existing' },
    address: realServer ? inject('devServerAddress') : claimTimeSkippingServer(),
    namespace: 'default',
    supportsTimeSkipping: !realServer,
    // The API's client: every signal and update it sends is sealed (api/message-sealing.ts).
    client: { dataConverter, interceptors: { workflow: [messageSealing(keyring, serverTime)] } },
  });
  created.env = env;
  return env;
}

export interface SeedOptions {
  loanType?: LoanType;
  amount?: string;
  termCount?: number;
  method?: Application['method'];
  profileDigit?: number;
  birthDate?: string;
  cardEnding?: string;
  monthlyIncome?: string;
  /** Adjust the product for this test (e.g. turn auto-decision off). */
  product?: (p: LoanProduct) => LoanProduct;
}

export interface HarnessOptions {
  /**
   * Keep workflows cached between tasks (the worker default). Tests that stop and start the worker
   * turn it off: a cached workflow's next task goes to the stopped worker's own sticky queue, which
   * the time-skipping server never hands back to the task queue.
   */
  cacheWorkflows?: boolean;
  /** Run on the suite's real Temporal dev server instead of a time-skipping one (time passes for real). */
  realServer?: boolean;
  /** Pay capital into BANK before any payout (the default); false leaves BANK empty. */
  fundBank?: boolean;
}

const TEST_BANK_OPENING_BALANCE = '100000000.00';

/** Capital paid into BANK before any payout, as finance records the bank's opening balance. */
export async function fundTestBank(sql: Sql, amount = TEST_BANK_OPENING_BALANCE): Promise<void> {
  await recordCapitalInjection(
    sql,
    {
      injectionId: OPENING_BALANCE_INJECTION,
      amount,
      effectiveOn: '2000-01-01',
      reference: 'opening balance',
      recordedBy: 'test',
    },
    async () => undefined,
  );
}

export async function createWorkflowHarness(options: HarnessOptions = {}) {
  const db = await createTestDatabase(inject('pgAdminUrl'), 'wf');
  await seedDefaultProducts(db.sql);
  // The company's capital in the bank, so payouts are covered (activities/disbursement.ts).
  if (options.fundBank !== false) await fundTestBank(db.sql);
  const keyring = generateKeyring();
  const cipher = createFieldCipher(keyring);
  const dataConverter = temporalDataConverter(keyring);
  const env = await connectTestServer(dataConverter, options.realServer === true, keyring);
  const bank = createFakeBank(options.fundBank !== false ? { openingBalance: TEST_BANK_OPENING_BALANCE } : {});
  const bureau = createFakeBureau();
  const notify = createFakeNotify();
  const log = createLogger('workflow-test', 'silent');
  const taskQueue = `test-${randomUUID()}`;
  const activities = createActivities({
    config: { PUBLIC_API_URL: undefined, COMPANY_NAME: '示范小额贷款有限公司', BUSINESS_TIME_ZONE: TIME_ZONE },
    sql: db.sql,
    log,
    keyring,
    cipher,
    bank,
    bureau,
    notify,
  });
  const newWorker = () =>
    Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities,
      // As worker/main.ts: payloads the codec did not encrypt never reach workflow code, refusals are audited.
      dataConverter: temporalDataConverter(keyring, { refuseUnencrypted: true }),
      sinks: messageRefusalSinks({ sql: db.sql, log }),
      ...(options.cacheWorkflows === false ? { maxCachedWorkflows: 0 } : {}),
    });
  let worker = await newWorker();
  let running: Promise<void> | null = worker.run();

  const started: string[] = [];

  async function createUser(role: Role, name = role.toLowerCase()): Promise<string> {
    const [row] = await db.sql<{ id: string }[]>`
      insert into users (role, username, password_hash) values (${role}, ${`${name}-${randomUUID().slice(0, 8)}`}, 'not-used-in-workflow-tests')
      returning id`;
    return row!.id;
  }

  async function seedLoan(options: SeedOptions = {}): Promise<{ input: LoanWorkflowInput; application: Application }> {
    const loanType = options.loanType ?? 'PERSONAL_CONSUMER';
    const base = (await productForLoanType(db.sql, loanType))!;
    const product = options.product ? options.product(structuredClone(base)) : base;
    const idNumber = makeIdNumber({ profileDigit: options.profileDigit ?? 1, birthDate: options.birthDate });
    const phone = makePhone();
    const [user] = await db.sql<{ id: string }[]>`
      insert into users (role, phone_hash, phone_enc, name_enc, id_number_hash, id_number_enc, password_hash)
      values ('BORROWER', ${blindIndex(keyring, 'phone', phone)}, ${cipher.encrypt(phone, USER_FIELDS.phone)},
              ${cipher.encrypt('王小明', USER_FIELDS.name)}, ${blindIndex(keyring, 'idNumber', idNumber)},
              ${cipher.encrypt(idNumber, USER_FIELDS.idNumber)}, 'not-used-in-workflow-tests')
      returning id`;
    const application: Application = {
      loanType,
      amount: options.amount ?? '20000.00',
      termCount: options.termCount ?? 12,
      method: options.method ?? product.methods[0]!,
      frequency: product.frequencies[0]!,
      purpose: '装修',
      applicant: {
        name: '王小明',
        idNumber,
        phone,
        monthlyIncome: options.monthlyIncome ?? '15000.00',
        employer: '示例科技有限公司',
      },
      bankAccount: { cardNumber: makeCardNumber(options.cardEnding), bankName: '中国工商银行' },
      consent: { creditQuery: true, dataProcessing: true, creditReporting: true, textVersion: 'consent-2026-01' },
      ...sectionFor(loanType),
    };
    const loanId = newLoanId(new Date());
    const input = loanWorkflowInput({
      loanId,
      borrowerId: user!.id,
      borrowerHash: borrowerHash(keyring, idNumber),
      channel: 'ONLINE',
      product,
      application,
      annualRate: product.defaultRate,
    });
    await insertLoanApplication(db.sql, cipher, {
      loanId,
      borrowerId: user!.id,
      createdBy: user!.id,
      channel: 'ONLINE',
      product,
      application,
      annualRate: product.defaultRate,
      viewFields: initialViewFields(input),
    });
    return { input, application };
  }

  /** Stores a document row and tells the workflow, as the API does. */
  async function uploadDocument(loanId: string, type: string, uploadedBy: string) {
    const sealed = cipher.seal(Buffer.from(`document ${type}`), 'documents.content');
    const sha256 = randomUUID().replace(/-/g, '').padEnd(64, '0');
    const [row] = await db.sql<{ id: string }[]>`
      insert into documents (loan_id, type, filename, content_type, size_bytes, sha256, content_enc, key_id, uploaded_by)
      values (${loanId}, ${type}, ${`${type}.png`}, 'image/png', 16, ${sha256}, ${sealed.bytes}, ${sealed.keyId}, ${uploadedBy})
      returning id`;
    return { documentId: row!.id, type, sha256 };
  }

  return {
    env,
    client: env.client,
    sql: db.sql,
    keyring,
    cipher,
    bank,
    bureau,
    notify,
    taskQueue,
    createUser,
    seedLoan,
    uploadDocument,
    /** Stops this file's worker: messages sent meanwhile wait, and reach the workflow in one workflow task. */
    async stopWorker() {
      worker.shutdown();
      await running;
      running = null;
    },
    async startWorker() {
      if (running) return;
      worker = await newWorker();
      running = worker.run();
    },
    /**
     * With RECORD_HISTORY=1, writes the loan's history so far (every run, payloads decoded) into the
     * replay corpus as `scenario` (test/workflow/histories/<scenario>/); otherwise does nothing.
     * Call it at the end of the test, before the loan is terminated.
     */
    async capture(loanId: string, scenario: string, phases: readonly CorpusPhase[]): Promise<void> {
      if (process.env.RECORD_HISTORY !== '1') return;
      const testPath = expect.getState().testPath;
      await captureWorkflow({
        connection: env.connection,
        namespace: 'default',
        workflowId: loanId,
        codec: createPayloadCodec(keyring),
        corpusDir: CORPUS_DIR,
        scenario,
        phases,
        source: testPath ? relative(ROOT, testPath) : 'workflow test',
      });
    },
    async start(input: LoanWorkflowInput) {
      started.push(input.loanId);
      return startLoanWorkflow(env.client, taskQueue, input, TIME_ZONE);
    },
    async teardown() {
      // Loans end between workflow tasks, so the histories exported for the plaintext scan are whole
      // and the dev server (shared by the suite) keeps no loan waking on a queue nobody polls.
      await Promise.all(
        started.map(async (id) => {
          const handle = env.client.workflow.getHandle(id);
          await untilIdle(handle, 5_000).catch(() => undefined);
          await handle.terminate('test file finished').catch(() => undefined);
        }),
      );
      if (running) {
        worker.shutdown();
        await running;
      }
      await env.teardown();
      await db.drop();
    },
  };
}

export type WorkflowHarness = Awaited<ReturnType<typeof createWorkflowHarness>>;

function sectionFor(loanType: LoanType): Partial<Application> {
  switch (loanType) {
    case 'INDIVIDUAL_BUSINESS':
      return { business: { licenseNumber: '91110105MA01ABCD2X', industry: 'RETAIL', monthlyRevenue: '60000.00' } };
    case 'FARMER':
      return { farm: { landAreaMu: '30.00', crops: ['水稻', '小麦'], cooperative: '丰收合作社' } };
    case 'COLLATERAL':
      return {
        collateral: { type: 'VEHICLE', description: '2022款轿车', appraisedValue: '120000.00', existingLiens: '0.00' },
      };
    case 'GUARANTEED':
      return {
        guarantor: {
          name: '李四',
          idNumber: makeIdNumber({ profileDigit: 2, birthDate: '1980-03-03' }),
          phone: makePhone(),
          monthlyIncome: '20000.00',
          relationship: 'SIBLING',
        },
      };
    default:
      return {};
  }
}

/**
 * Waits until no workflow task of the loan is scheduled or running. A refused update still costs
 * the loan a workflow task on the time-skipping server; terminating the loan while that task is in
 * flight leaves the server unable to skip time.
 */
export async function untilIdle(handle: WorkflowHandle, timeoutMs = 15_000): Promise<void> {
  const { EventType } = temporal.api.enums.v1;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = (await handle.fetchHistory()).events?.at(-1)?.eventType;
    if (last !== EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED && last !== EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
      return;
    if (Date.now() > deadline) throw new Error(`Loan ${handle.workflowId} still has a workflow task in flight`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
