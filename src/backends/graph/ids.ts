/**
 * Identifiers safe in every output format. Spec names are usually identifiers already, but an
 * invalid spec can hold any string, and Mermaid trips over ids like `end` or ones starting
 * with `o`/`x` after a link; so every id gets a prefix, keeps only [A-Za-z0-9_], and is unique.
 */
export class IdMaker {
  private readonly used = new Set<string>();

  make(prefix: string, name: string): string {
    const base = prefix + name.replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}
