export const CREDIT_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];

/** Lowest score of each grade; anything under 450 is E. */
export const GRADE_FLOORS: Readonly<Record<Exclude<CreditGrade, 'E'>, number>> = { A: 750, B: 650, C: 550, D: 450 };

export function gradeForScore(score: number): CreditGrade {
  if (score >= GRADE_FLOORS.A) return 'A';
  if (score >= GRADE_FLOORS.B) return 'B';
  if (score >= GRADE_FLOORS.C) return 'C';
  if (score >= GRADE_FLOORS.D) return 'D';
  return 'E';
}
