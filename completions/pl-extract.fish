function __pl-extract_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-extract_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pl-extract_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-extract_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pl-extract_parse_tokens -S
    set -l unparsed_tokens (__pl-extract_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pl-extract'
        __pl-extract_parse_subcommand -r 1 'format=' 'd/delimiter=' 'quote=' 'escape=' 'header-row=' 'header-rows=' 'skip=' 'no-header' 'comment=' 'widths=' 'detect' 'dialect=' 'mode=' 'pages=' 'password=' 'password-file=' 'min-quality=' 'rejects=' 'max-rejects=' 'template=' 'max-row-size=' 'allow-ragged' 'encoding=' 'on-error=' 'r/recursive' 'max-total-size=' 'max-expansion=' 'max-depth=' 'max-members=' 'record-path=' 'sheet=+' 'hidden-sheets' 'files-from=' '0/null' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pl-extract_parse_subcommand -r 1 'version'
        end
    end
end

function __pl-extract_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pl-extract_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pl-extract_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pl-extract_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pl-extract_tokens -p)
    if test -z "$(__pl-extract_tokens -t)"
        set -l index (count (__pl-extract_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pl-extract' -f
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" format' -l 'format' -d 'Input format: auto (decided by content), ndjson, json, csv, tsv, xml or pdf.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" d delimiter' -s 'd' -l 'delimiter' -d 'Field delimiter of CSV input: one ASCII character, or tab, comma, semicolon, pipe (default: detected).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" quote' -l 'quote' -d 'Quote character of CSV input: " or \', or none (default: detected).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" escape' -l 'escape' -d 'How a quote is escaped inside a quoted field: doubled ("") or backslash (\\") (default: detected).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" header-row' -l 'header-row' -d 'The line of the (first) header row; the lines above it are the preamble (default: detected).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" header-rows' -l 'header-rows' -d 'How many rows the header has, 0 to 3: names, then units; three rows are groups, names, units (default: detected).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" skip' -l 'skip' -d 'Skip the first N lines: the table (its header) starts on line N+1 (default: detected).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" no-header' -l 'no-header' -d 'The table has no header row; keys are the column numbers 1, 2, ….'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" comment' -l 'comment' -d 'Lines starting with CHAR are comments, skipped wherever they are (default: # when lines start with it).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" widths' -l 'widths' -d 'Read a fixed-width table with these column widths, in characters (the last column runs to the end of the line).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" detect' -l 'detect' -d 'Print one JSON object per input with every decision about it (encoding, dialect, preamble, header, footer, confidence) instead of its records; save it for --dialect.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" dialect' -l 'dialect' -d 'Read inputs with the decisions of a saved --detect output (one object per input, matched by source; a single object applies to every input). Flags override single decisions.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" mode' -l 'mode' -d 'What to write: records (the default; for a PDF report, one per result row with the header\'s fields), or meta: one object per input with its preamble\'s key/values and other lines, its footer and its columns (for a PDF, its header fields). PDFs only: tables (one record per table: its rows of cells), fields (the header\'s key/values), text (one record per printed line with its position).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" pages' -l 'pages' -d 'The pages of PDFs to read, counted from 1: 1,3-5 or 2- (default: every page).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" password' -l 'password' -d 'The password of encrypted PDFs (visible to other users in the process list: prefer --password-file).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" password-file' -l 'password-file' -d 'Read the password of encrypted PDFs from the first line of FILE.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" min-quality' -l 'min-quality' -d 'PDF tables scoring under Q (0 to 1: words in exactly one cell, columns consistent) are not data: each is named on standard error and written to --rejects; without --rejects the run fails its quality gate, exit 1 (default 0.7).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" rejects' -l 'rejects' -d 'Write the PDF tables under --min-quality to FILE, one record each as --mode tables writes them, with _pl.errors; written whole or not at all.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" max-rejects' -l 'max-rejects' -d 'Fail the quality gate (exit 1) when more than N PDF tables, or P percent of them, score under --min-quality (default: 0 without --rejects, unlimited with it).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" template' -l 'template' -d 'A lab\'s PDF layout, pinned: the table\'s area, column positions, header rows, header labels and the sample-id label (YAML; see pl-extract(1)). Checked before anything is read (exit 78).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" max-row-size' -l 'max-row-size' -d 'The longest row or line read before giving up, in bytes, with K, M or G (default 16M).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" allow-ragged' -l 'allow-ragged' -d 'Keep CSV rows with more or fewer fields than the header: extra fields are keyed by column number, missing ones are empty.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" encoding' -l 'encoding' -d 'Character encoding of the input, as iconv names it (utf-8, windows-1252, iso-8859-1, utf-16le, shift_jis, …). Default: detected from the first 64 KiB — UTF-8, UTF-16 by its byte-order mark or its zero bytes; for CSV text that is not UTF-8, Japanese (Shift_JIS, EUC-JP, ISO-2022-JP), Chinese (GB18030, Big5), Korean (EUC-KR), Cyrillic, Greek, Hebrew, Arabic, Thai and Central European encodings when uchardet names them and the text bears it out, else Windows-1252.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" on-error' -l 'on-error' -d 'What to do with bad input: fail (stop, exit 65, end the output with an abort line) or skip (report each bad record, file or member on standard error, count it in the summary, go on; no abort line, exit 65 at the end if anything was passed over).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" r recursive' -s 'r' -l 'recursive' -d 'Read the sub-folders of a FILE that is a folder too (without it they are reported and left out).'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" max-total-size' -l 'max-total-size' -d 'The most bytes a compressed file or archive may expand to, with K, M or G (default 8G); an archive inside another gets what its parent has left.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" max-expansion' -l 'max-expansion' -d 'The most times a compressed file or archive may expand its compressed size, checked past its first 64 MiB (default 250).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" max-depth' -l 'max-depth' -d 'The most containers one inside another; bundle.tar.gz counts two (default 8).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" max-members' -l 'max-members' -d 'The most members one archive may hold (default 100000).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" record-path' -l 'record-path' -d 'The repeating element of an XML export, or the array of records in a JSON object (default: detected).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract"' -l 'sheet' -d 'A sheet of a workbook to read, by name or 1-based number; repeat for more (default: every visible sheet).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" hidden-sheets' -l 'hidden-sheets' -d 'Read the hidden sheets of a workbook too.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" files-from' -l 'files-from' -d 'Read the input paths from FILE (- for standard input), one a line: blank lines are passed over, relative paths are relative to the current directory, and they come after the FILE arguments. A listed path that does not exist is an error naming the list and its line (exit 66).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" 0 null' -s '0' -l 'null' -d 'The --files-from list is separated by NUL bytes (find -print0, pl-promote pending --format paths -0), not by lines.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" version' -l 'version' -d 'Show the version.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_positional "pl-extract" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract help" version' -l 'version' -d 'Show the version.'
