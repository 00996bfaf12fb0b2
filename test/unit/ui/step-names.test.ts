// Every activity a loan can be parked at has words on the 待人工处理 panel.
import { describe, expect, it } from 'vitest';
import type { Activities } from '../../../contracts/activities.js';
import type { BilingualText } from '../../../domain/types.js';
import { DICTIONARY } from '../../../ui/i18n.js';
import { STEP_NAMES } from '../../../ui/step-names.js';

// Fails to compile when an activity is added without its name, or a name outlives its activity.
const named: Record<keyof Activities, BilingualText> = STEP_NAMES;
const noStray: Record<keyof typeof STEP_NAMES, unknown> = {} as Record<keyof Activities, unknown>;

describe('the names of the steps a loan is parked at', () => {
  it('are in the UI dictionary in Chinese and English', () => {
    expect(noStray).toBeDefined();
    for (const [step, name] of Object.entries(named)) {
      expect(DICTIONARY[`step.${step}`], step).toEqual(name);
      expect(name.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
