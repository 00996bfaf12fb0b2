// The not-found page only needs the language switch.
import { startLanguage } from '/ui/assets/core.js';

startLanguage();
