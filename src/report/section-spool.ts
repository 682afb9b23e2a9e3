import type { ConnectionJson } from '../analysis/report-model.js';
import { ScratchFile } from './scratch-file.js';

/** The detail section of a connection as a format draws it (text, Markdown or HTML). */
export type SectionRenderer = (c: ConnectionJson) => string;

/** The human formats without holding every detailed connection: a connection whose section the report will show is
 * rendered as soon as it is diagnosed, the text goes to a scratch file, and only its table row (the brief rendering of
 * the connection) is kept; the report reads each section back when it reaches it. The bytes are exactly those of
 * rendering the whole report at the end: a section reads nothing but its own connection. */
export class SectionSpool {
  private readonly file = new ScratchFile('sections');
  private readonly places = new Map<number, [number, number]>();

  constructor(
    private readonly render: SectionRenderer,
    /** Whether the report shows this connection's section. */
    readonly shows: (c: ConnectionJson) => boolean,
    /** What stays in memory of a connection whose section was spooled. */
    private readonly row: (c: ConnectionJson) => ConnectionJson = tableRow,
  ) {}

  /** Spools the connection's section; returns what stays in memory: its table row. */
  keep(c: ConnectionJson): ConnectionJson {
    this.places.set(c.id, this.file.append(this.render(c)));
    return this.row(c);
  }

  /** The section of connection `c`, rendered now if it was not spooled (a connection kept whole). */
  readonly section = (c: ConnectionJson): string => {
    const place = this.places.get(c.id);
    if (!place) return this.render(c);
    return this.file.readBytes(place[0], place[1]).toString('utf8');
  };

  dispose(): void {
    this.file.dispose();
  }
}

/** A connection reduced to what the overview and the connections table read, as buildConnectionJson's brief
 * rendering leaves a clean connection: the lists that only its section shows are emptied. */
export function tableRow(c: ConnectionJson): ConnectionJson {
  return { ...c, commands: [], flights: [], transactions: [], findings: [], tcp: { ...c.tcp, gaps: [] }, anomalies: [] };
}

/** The text report's row of a connection it details: only what its connections table and verdict read (writeText,
 * hasProblem; a plain text report has no selection, redaction or extraction to read more). Spooled with the
 * connection's section (TextConnectionSpool). */
export function textTableRow(c: ConnectionJson): ConnectionJson {
  const row: Pick<ConnectionJson, 'id' | 'start' | 'client' | 'server' | 'outcome' | 'diagnosis' | 'summary'> = {
    id: c.id,
    start: c.start,
    client: c.client,
    server: c.server,
    outcome: c.outcome,
    diagnosis: c.diagnosis,
    summary: c.summary,
  };
  return row as ConnectionJson;
}
