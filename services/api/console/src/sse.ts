/** One server-sent event: its name (`message` when unnamed), data and id. */
export type StreamEvent = { event: string; data: string; id: string | null };

/**
 * Parses the complete events at the start of `text` (text/event-stream: fields per line, events ended by a blank
 * line); `rest` is the unfinished tail, to prepend to the next chunk. Comment lines (keep-alives) are skipped.
 */
export function parseEvents(text: string): { events: StreamEvent[]; rest: string } {
  const normalized = text.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: StreamEvent[] = [];
  for (const block of blocks) {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields++;
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (fields > 0 && (data.length > 0 || event !== 'message')) events.push({ event, data: data.join('\n'), id });
  }
  return { events, rest };
}
