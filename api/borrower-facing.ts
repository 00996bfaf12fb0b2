// Who gets the borrower's views (api/borrower-loan-view.ts, api/borrower-product-view.ts): a borrower,
// and any caller that came through a channel's front end (an API key), whoever signed in there.
import type { AuthUser } from '../security/authenticator.js';

export function seesBorrowerView(user: AuthUser, channel: string | undefined): boolean {
  return user.role === 'BORROWER' || channel !== undefined || user.channel !== undefined;
}
