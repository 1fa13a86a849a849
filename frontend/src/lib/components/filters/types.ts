// What the filter bar needs to know of labels and custom fields: their
// names, colours and types, as the labels and fields stores hold them.

/** A label the Label filter offers. */
export interface LabelDef {
  name: string
  /** #rrggbb, or empty for the default colour. */
  color: string
}

/** A custom field the Custom Field filter offers. */
export interface FieldDef {
  key: string
  name: string
  /** text, number, date or choice */
  type: string
  choices: string[] | null
}

/**
 * A colour from the program, only when it is a plain #rgb/#rrggbb: it goes
 * into a style, and a value like url(...) would make the page fetch it.
 */
export function safeColor(c: string | null | undefined): string | null {
  return c && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(c) ? c : null
}
