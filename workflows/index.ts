export { loanWorkflow } from './loan.js';
