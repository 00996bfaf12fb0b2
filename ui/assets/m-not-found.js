// The borrower app's page for an address it does not have.
import { session } from '/ui/assets/m-api.js';

if (!session.get()) document.querySelector('.m-back')?.setAttribute('href', '/m/');
