/** `registries-file`: the team's registries file checked against its schema, with findings in the file itself. */
import type { Finding } from '../analysis/types';
import { parseRegistriesFile, REGISTRIES_FILE_NAME } from '../store/registriesFile';

export function isRegistriesFile(filePath: string): boolean {
  const normalized = filePath.replace(/\\/g, '/');
  return normalized.slice(normalized.lastIndexOf('/') + 1) === REGISTRIES_FILE_NAME;
}

export function registriesFileFindings(text: string, filePath: string): Finding[] {
  return parseRegistriesFile(text, filePath).problems.map((problem) => ({
    code: 'registries-file',
    severity: problem.severity,
    message: problem.message,
    start: problem.start,
    end: Math.max(problem.end, Math.min(text.length, problem.start + 1)),
    reference: '',
  }));
}
