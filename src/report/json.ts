import type { ReportJson } from '../analysis/report-model.js';

export function renderJson(report: ReportJson): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
