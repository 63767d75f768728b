/// The kind of node an `XMLReader` is on.
///
/// Only the kinds a data reader acts on have their own case; comments, processing
/// instructions, the document type and the like are `other`, to be skipped.
public enum XMLNodeType: Equatable, Sendable {
  /// A start tag, or an empty-element tag (`isEmptyElement` tells which; the latter has no
  /// `endElement`).
  case element
  /// An end tag.
  case endElement
  /// Character data, including text made only of whitespace (in an XLSX `<t> </t>` the space
  /// is the cell's value, so it is never dropped here). Character and predefined entity
  /// references (`&amp;`, `&#176;`) are already replaced.
  case text
  /// A `<![CDATA[…]]>` section; its text is the `value`.
  case cdata
  /// Anything else: comments, processing instructions, the document type.
  case other
}
