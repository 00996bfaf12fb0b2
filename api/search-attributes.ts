// The custom search attributes every loan workflow sets (contracts/search-attributes.ts) must be
// known to the namespace before the first loan starts, or starting it fails. The API registers
// them on whichever Temporal it connects to (a dev server, a cluster) and readiness names any
// that are still missing, e.g. where the connection may not manage the namespace (Temporal Cloud
// registers them through its own console).
import type { OperatorService } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import proto from '@temporalio/proto';
import { LOAN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

/** The indexed type the server stores for one of ours (`KEYWORD` → INDEXED_VALUE_TYPE_KEYWORD). */
function indexedType(type: (typeof LOAN_SEARCH_ATTRIBUTES)[number]['type']): IndexedValueType {
  return encodeSearchAttributeIndexedValueType(type)!;
}

/**
 * Our search attributes the namespace lacks, by name; one registered under another type is
 * named with both types ("LoanAmount (DOUBLE, registered as KEYWORD)").
 */
export async function missingSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  const listed = await operator.listSearchAttributes({ namespace });
  const known = listed.customAttributes ?? {};
  const missing: string[] = [];
  for (const key of LOAN_SEARCH_ATTRIBUTES) {
    const registered = known[key.name];
    if (registered === undefined) missing.push(key.name);
    else if (registered !== indexedType(key.type)) {
      const as = IndexedValueType[registered]?.replace('INDEXED_VALUE_TYPE_', '') ?? String(registered);
      missing.push(`${key.name} (${key.type}, registered as ${as})`);
    }
  }
  return missing;
}

/** gRPC ALREADY_EXISTS: another process registered them first. */
function alreadyExists(err: unknown): boolean {
  return (err as { code?: unknown }).code === 6;
}

/**
 * Registers whichever of our search attributes the namespace lacks, and answers what is still
 * missing afterwards (empty when all are there). Safe to run from every API process at once.
 */
export async function registerSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  const missing = new Set(await missingSearchAttributes(operator, namespace));
  const toAdd = LOAN_SEARCH_ATTRIBUTES.filter((key) => missing.has(key.name));
  if (toAdd.length > 0) {
    try {
      await operator.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(toAdd.map((key) => [key.name, indexedType(key.type)])),
      });
    } catch (err) {
      if (!alreadyExists(err)) throw err;
    }
  }
  return missingSearchAttributes(operator, namespace);
}
