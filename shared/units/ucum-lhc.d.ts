// The few parts of @lhncbc/ucum-lhc (no bundled types) that shared/units/ucum.ts exposes.
declare module '@lhncbc/ucum-lhc' {
  interface ConvertResult {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg: string[];
  }
  interface ValidateResult {
    status: 'valid' | 'invalid' | 'error';
    ucumCode: string | null;
    msg: string[];
  }
  interface Utils {
    convertUnitTo(from: string, value: number, to: string, options?: { molecularWeight?: number; charge?: number }): ConvertResult;
    validateUnitString(unit: string, suggest?: boolean): ValidateResult;
  }
  export const UcumLhcUtils: { getInstance(): Utils };
}
