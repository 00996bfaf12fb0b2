// Which pages each role sees in the navigation, from the permissions the pages' data needs.
import type { Role } from '../domain/types.js';
import { can, type Permission } from '../security/permissions.js';
import type { LabelKey } from './i18n.js';

export interface NavItem {
  href: string;
  label: LabelKey;
  /** The permission the page's data needs; the item shows only for roles that have it. */
  permission: Permission;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/inbox', label: 'nav.inbox', permission: 'task:read' },
  { href: '/loans', label: 'nav.loans', permission: 'loan:list' },
  { href: '/dashboard', label: 'nav.dashboard', permission: 'report:read' },
  { href: '/finance', label: 'nav.finance', permission: 'ledger:close' },
  { href: '/search', label: 'nav.search', permission: 'borrower:search' },
  { href: '/collections', label: 'nav.collections', permission: 'collection:act' },
  { href: '/collections/desk', label: 'nav.collectionSupervision', permission: 'collection:supervise' },
  { href: '/aml', label: 'nav.aml', permission: 'aml:review' },
  { href: '/templates', label: 'nav.templates', permission: 'template:manage' },
];

export function navigationFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}

/** Where a role lands after signing in: its first page. */
export function homeFor(role: Role): string {
  return navigationFor(role)[0]?.href ?? '/';
}
