import type { Diagnosis, FindingJson, MiddleboxKind, Outcome, Vantage } from '../analysis/report-model.js';

/** A rule's output: a piece of evidence with its numbers. */
export type Finding = FindingJson;

export interface Middlebox {
  kind: MiddleboxKind;
  confidence: number;
  evidence: string[];
}

/** The engine's answer for one connection. */
export interface Verdict {
  vantage: Vantage;
  outcome: Outcome;
  diagnosis: Diagnosis;
  /** How sure the engine is of `diagnosis` (0..1), lowered where the capture itself is in doubt. */
  confidence: number;
  middlebox: Middlebox | null;
  summary: string;
  findings: Finding[];
}
