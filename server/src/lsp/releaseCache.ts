/**
 * The release of each workspace folder, as the language server sees it: open documents first, then the
 * disk. Loaded on first need (a workspace of plain manifests never loads one), kept until a file it is
 * made of changes — an edit of a HelmChart, a chart file or a Config; a created, deleted or changed
 * `.yaml`, `.tpl` or `.tgz` — and then loaded again on the next need. The folder's file list is kept
 * too, until a file is created or deleted.
 */
import path from 'node:path';
import { fileSystemRelease, RELEASE_FILE } from '../release/releaseFiles';
import { loadRelease, type Release, type ReleaseFiles } from '../release/release';
import type { RegistriesConfig } from '../store/types';
import { findYamlFiles } from '../workspace/yamlFiles';

interface FolderEntry {
  listing?: Promise<string[]>;
  /** The release per configuration object (installModes come from it). */
  releases: WeakMap<RegistriesConfig, Promise<Release | undefined>>;
}

export class ReleaseCache {
  private readonly folders = new Map<string, FolderEntry>();

  constructor(private readonly readText: (filePath: string) => Promise<string | undefined>) {}

  /** `env.release` for a file of `folder` (its workspace folder, or its own directory outside every folder). */
  loaderFor(folder: string, config: RegistriesConfig): () => Promise<Release | undefined> {
    return () => {
      const entry = this.entryOf(folder);
      let release = entry.releases.get(config);
      if (!release) {
        release = loadRelease(this.filesOf(folder, entry), config).catch(() => undefined);
        entry.releases.set(config, release);
      }
      return release;
    };
  }

  /** A file's content changed: the release of its folder is read again on next need. */
  contentChanged(filePath: string): void {
    for (const [folder, entry] of this.folders) {
      if (isInside(folder, filePath)) entry.releases = new WeakMap();
    }
  }

  /** A file was created or deleted: its folder's file list and release are read again on next need. */
  filesChanged(filePath: string): void {
    for (const [folder, entry] of this.folders) {
      if (!isInside(folder, filePath)) continue;
      entry.listing = undefined;
      entry.releases = new WeakMap();
    }
  }

  clear(): void {
    this.folders.clear();
  }

  private entryOf(folder: string): FolderEntry {
    let entry = this.folders.get(folder);
    if (!entry) {
      entry = { releases: new WeakMap() };
      this.folders.set(folder, entry);
    }
    return entry;
  }

  /** The files of a folder's release, as the server reads them (open documents first). */
  files(folder: string): ReleaseFiles {
    return this.filesOf(folder, this.entryOf(folder));
  }

  private filesOf(folder: string, entry: FolderEntry): ReleaseFiles {
    const disk = fileSystemRelease(folder);
    return {
      root: folder,
      list: () => (entry.listing ??= findYamlFiles(folder, { pattern: RELEASE_FILE }).catch(() => [])),
      readText: (file) => this.readText(file),
      readBytes: (file) => disk.readBytes(file),
    };
  }
}

function isInside(folder: string, filePath: string): boolean {
  const relative = path.relative(folder, filePath);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Whether a file is part of what a release is made of (a change to it may change the customer's pull). */
export function isReleaseFile(filePath: string): boolean {
  return RELEASE_FILE.test(filePath) || path.basename(filePath) === 'Chart.yaml';
}


/** The files whose findings depend on a release: its HelmCharts and its chart folders' values and templates. */
export function dependentFiles(release: Release): string[] {
  const files = new Set<string>();
  for (const helmChart of release.helmCharts) files.add(helmChart.file);
  const visit = (charts: Release['charts']): void => {
    for (const chart of charts) {
      if (chart.location.kind !== 'folder') continue;
      if (chart.values) files.add(chart.values.key);
      for (const template of chart.templates) if (/\.ya?ml$/i.test(template.key)) files.add(template.key);
      visit(chart.subcharts);
    }
  };
  visit(release.charts);
  return [...files].sort();
}
