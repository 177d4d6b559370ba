// The messages between the extension host and the config worker: plain data only.
import type { SettingFacts } from '../../core/config/settingFacts';
import type { AnalysisData, AnalysisRequest } from './analysisJob';

export type WorkerRequest =
  | { kind: 'analyze'; id: number; request: AnalysisRequest }
  | { kind: 'hover'; id: number; root: string; file: string; line: number; name: string }
  | { kind: 'forget'; id: number; root: string };

export type WorkerReply =
  | { kind: 'analyzed'; id: number; data: AnalysisData }
  | { kind: 'hover'; id: number; facts: SettingFacts | undefined }
  | { kind: 'forgotten'; id: number }
  | { kind: 'failed'; id: number; message: string };
