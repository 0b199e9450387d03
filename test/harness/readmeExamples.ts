/** The README's examples, as the tests that check and run them read them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const README = path.resolve(__dirname, '..', '..', 'README.md');

/** The README's fenced YAML block whose first line is `# <file>` (e.g. `# .gitlab-ci.yml`). */
export function readmeExample(file: string): string {
  const text = readFileSync(README, 'utf8');
  const block = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string).find((yaml) => yaml.startsWith(`# ${file}\n`));
  if (!block) throw new Error(`README.md has no \`\`\`yaml block starting with "# ${file}"`);
  return block;
}
