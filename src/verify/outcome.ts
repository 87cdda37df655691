// What `verify` found, as the command prints it: one JSON document (--json) or lines of text, and the exit code.
export interface VerifyOutcome {
  /** 0 verified; 1 a problem (the first one named); 3 a bundle intact but signed by a key nothing trusts. */
  exitCode: number;
  json: unknown;
  lines: string[];
}
