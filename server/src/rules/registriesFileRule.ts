/** `registries-file`: the team's registries file checked against its schema, with findings in the file itself. */
import type { Finding } from '../findings/types';
import { readRegistriesFileText, REGISTRIES_FILE_NAME } from '../store/registriesFile/location';
import { parseRegistriesFile } from '../store/registriesFile/parse';

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

/** The one finding of a registries file over its size bound (it is not read), or undefined when it is within it. */
export function registriesFileLimitFinding(filePath: string): Finding | undefined {
  const read = readRegistriesFileText(filePath);
  if (!('problem' in read) || read.problem.code !== 'limit') return undefined;
  return { code: 'registries-file', severity: 'error', message: read.problem.message, start: 0, end: 0, reference: '' };
}
