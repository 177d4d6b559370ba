// Grades and the visual report (pure: no vscode, no Node-only modules, so the webview bundles it too).
export { gradeEndpoint, letterForScore, letterRank, worseOf, LETTERS, type EndpointGrade, type GradeReason, type Letter } from './grade';
export { reportInput, type DomainSection, type EndpointSection, type LocatedFinding, type ReportInput, type ReportOptions } from './input';
export { renderReportHtml } from './document';
export { buildReport, type ReportMode } from './view';
export { buildTimeline, type Phase, type Timeline } from './timeline';
export { domainReportInput, domainSection, domainProbes } from './domain';
