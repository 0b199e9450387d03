/**
 * `yaml-syntax`: a manifest, values, Compose or Kustomize file that is not valid YAML; and
 * `analysis-limit`: an input bound the reader reached (they travel with the syntax errors).
 */
import { ANALYSIS_LIMIT_CODE, type Finding, type RuleCode, type YamlSyntaxError } from '../findings/types';
import { FLOW_SCALAR_INDENT } from '../manifests/flowScalarRepair';
import { nominalSeverity } from './severity';

/** One finding per syntax error the finder reported for `text`, at the rule's nominal level; `enabled` filters by rule. */
export function yamlSyntaxFindings(text: string, errors: readonly YamlSyntaxError[], enabled: (code: RuleCode) => boolean = () => true): Finding[] {
  const findings: Finding[] = [];
  for (const error of errors) {
    if (error.parserCode === ANALYSIS_LIMIT_CODE) {
      if (enabled('analysis-limit')) findings.push(limitFinding(text, error));
    } else if (enabled('yaml-syntax')) {
      findings.push(syntaxFinding(text, error));
    }
  }
  return findings;
}

/** An input bound reached: the message says which, and that the rest is not checked. */
export function limitFinding(text: string, error: Pick<YamlSyntaxError, 'start' | 'end' | 'message'>): Finding {
  return {
    code: 'analysis-limit',
    severity: nominalSeverity('analysis-limit'),
    message: `Not fully checked: ${error.message.replace(/[\s.]+$/, '')}.`,
    start: error.start,
    end: error.end,
    reference: text.slice(error.start, Math.min(error.end, error.start + 80)),
  };
}

function syntaxFinding(text: string, error: YamlSyntaxError): Finding {
  if (error.parserCode === FLOW_SCALAR_INDENT) {
    // Not an error for the tools that install the application (libyaml reads it): a warning, worded in full where it is found.
    return { code: 'yaml-syntax', severity: 'warning', message: error.message, start: error.start, end: error.end, reference: text.slice(error.start, Math.min(error.end, error.start + 80)) };
  }
  const message = `YAML syntax error: ${error.message.replace(/[\s.]+$/, '')}. ${whatToDo(error)}`;
  return {
    code: 'yaml-syntax',
    severity: nominalSeverity('yaml-syntax'),
    message,
    start: error.start,
    end: error.end,
    reference: text.slice(error.start, Math.min(error.end, error.start + 80)),
  };
}

/** What to do next, by the parser's error code; the parser's message says what is wrong. */
function whatToDo(error: YamlSyntaxError): string {
  if (/Flow (sequence|mapping)|flow collection/i.test(error.message)) return 'Add the missing `]` or `}`, or quote the value if the bracket is text.';
  switch (error.parserCode) {
    case 'CONTROL_CHARACTER':
      return 'Remove the character, or keep non-YAML files out of the linted paths.';
    case 'MISSING_CHAR':
      return 'Add the missing closing character, or quote the whole value.';
    case 'BAD_INDENT':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'Indent this line like the other entries at its level (and close any open `[`, `{` or quote above it).';
    case 'TAB_AS_INDENT':
      return 'Indent with spaces: YAML forbids tabs in indentation.';
    case 'BAD_SCALAR_START':
      return 'Quote the value: it starts with a character YAML reserves.';
    case 'DUPLICATE_KEY':
      return 'Remove or rename one of the duplicated keys.';
    case 'UNEXPECTED_TOKEN':
      return 'Remove the unexpected text, or quote the value it belongs to.';
    default:
      return 'Fix the YAML at the underlined spot; kubectl, Helm and KOTS cannot read the document until then.';
  }
}
