/** What reading `.replicated-registries.yaml` yields: a configuration and its problems, each with its exact range. */
import type { RegistriesConfig } from '../types';

/** One problem in the file, with the exact source range it is about. */
export interface ConfigProblem {
  message: string;
  severity: 'error' | 'warning';
  /** Offsets into the text, [start, end). */
  start: number;
  end: number;
  /** 1-based position of `start`. */
  line: number;
  column: number;
  /** What kind of problem: `yaml-syntax`, `schema`, `secret-in-file`, `duplicate-slug`, `endpoint-shape`, `provider-endpoint-mismatch`, `auth-type`, `username`, `connection-options`, `limit`, `io`. */
  code: string;
}

export interface ParsedRegistriesFile {
  /** Best-effort configuration: entries too broken to use are left out, defaults are filled. */
  config: RegistriesConfig;
  problems: ConfigProblem[];
}

export interface LoadedRegistriesFile extends ParsedRegistriesFile {
  filePath: string;
  text: string;
}
