// Library API: the CLI uses exactly this.
export { analyze, type AnalyzeOptions, type AnalysisResult } from './analysis/analyzer.js';
export type * from './analysis/report-model.js';
export { renderJson } from './report/json.js';
export { renderText, type TextOptions } from './report/text.js';
export { CaptureError } from './capture/errors.js';
