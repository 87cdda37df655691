// One line of the doctor's report: what was checked (an area and a check), how it went, and why.
export type DoctorStatus = 'ok' | 'fail' | 'skip';

export interface DoctorCheck {
  /** `config`, `store`, `signing`, `digest`, or a collector and its scope (`aws-iam 111122223333`). */
  area: string;
  /** `credentials`, a permission, a file, a delivery target. */
  check: string;
  /** `skip`: not checked (the detail says why); never counted as ok. */
  status: DoctorStatus;
  detail: string;
}

export const ok = (area: string, check: string, detail: string): DoctorCheck => ({ area, check, status: 'ok', detail });
export const fail = (area: string, check: string, detail: string): DoctorCheck => ({ area, check, status: 'fail', detail });
export const skip = (area: string, check: string, detail: string): DoctorCheck => ({ area, check, status: 'skip', detail });

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
