/// The toolkit's version, shown by `--version` of every command.
public enum PLVersion {
  public static let string = "0.1.0"
}
