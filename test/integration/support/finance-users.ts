// The finance users a maker-checker test logs in as: the maker (`finance`), its checker
// (`finance_checker`), and, when two checkers must race, a third finance user the administrator creates.
import { randomUUID } from 'node:crypto';
import type { ApiClient, Session } from '../../../drivers/api-client.js';

export async function financeMakerAndChecker(api: ApiClient): Promise<{ maker: Session; checker: Session }> {
  const [maker, checker] = await Promise.all([api.login('finance'), api.login('finance_checker')]);
  return { maker, checker };
}

/** A new FINANCE user, neither the maker nor `finance_checker`, logged in. */
export async function anotherFinanceUser(api: ApiClient): Promise<Session> {
  const admin = await api.login('admin');
  const username = `fc_${randomUUID().slice(0, 8)}`;
  await api.call('POST', '/v1/auth/users', {
    token: admin.token,
    body: { username, password: 'Checker@2026x', role: 'FINANCE' },
  });
  return api.login(username, 'Checker@2026x');
}
