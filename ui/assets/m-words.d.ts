/** Types of m-words.js, for the unit tests that import it. */
export function statusWords(status: string): { words: string; hint: string };
export function isWaiting(status: string, missingDocuments?: readonly string[]): boolean;
export function scheduleLineWords(status: string): string;
export function paymentWords(status: string): string;
export function yuan(amount: string): string;
export function percent(rate: string): string;
export function dateWords(date: string): string;
export function placeErrors(body: unknown, formFields: readonly string[]): Map<string, string[]>;
export function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown>;
export function missingNames(view: { missingDocuments?: readonly string[] }, names: Record<string, string>): string[];
