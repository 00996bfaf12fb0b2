// The permission table lives in domain/permissions.ts so the workflow's validators decide with it too
// (workflows/ may not import security/); the API and the pages take it from here.
export { PERMISSIONS, ROLE_PERMISSIONS, can, type Permission } from '../domain/permissions.js';
