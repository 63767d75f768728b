function __pl-load_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-load_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pl-load_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-load_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pl-load_parse_tokens -S
    set -l unparsed_tokens (__pl-load_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pl-load'
        __pl-load_parse_subcommand -r 2 't/table=' 'detect-types' 'allow-memory' 'schema=' 'password-file=' 'rejects=' 'max-rejects=' 'batch=' 'skip-loaded' 'flatten-meta' 'key=' 'mode=' 'alter' 'no-alter' 'schema-file=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pl-load_parse_subcommand -r 1 'version'
        end
    end
end

function __pl-load_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pl-load_parse_subcommand -S -a positional_count
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

function __pl-load_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pl-load_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pl-load_tokens -p)
    if test -z "$(__pl-load_tokens -t)"
        set -l index (count (__pl-load_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pl-load' -f
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" t table' -s 't' -l 'table' -d 'The table to load into (created when missing).' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" detect-types' -l 'detect-types' -d 'Give new columns INTEGER or REAL type when their text values are all plain numbers ("12.30", not "007").'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" allow-memory' -l 'allow-memory' -d 'Load even when DATABASE is in memory or temporary ("", :memory:, file:…?mode=memory), where the records vanish when the load ends.'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" schema' -l 'schema' -d 'PostgreSQL: the schema of the table (default: the first of the search path, usually public).' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" password-file' -l 'password-file' -d 'PostgreSQL: read the password from the first line of FILE (rather than from the URL, where ps shows it).' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" rejects' -l 'rejects' -d 'Write records the database refuses to FILE (NDJSON, each with _pl.errors) and go on loading the others; without it, the first refused record rolls the load back.' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" max-rejects' -l 'max-rejects' -d 'Roll the load back (exit 1) when more than N records, or more than P% of the records read, are refused (default: none without --rejects, no limit with it).' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" batch' -l 'batch' -d 'Commit after every N records instead of once at the end; a failure then rolls back only the batch under way.' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" skip-loaded' -l 'skip-loaded' -d 'Skip records whose source file (same SHA-256) the ledger _pl_loads says was loaded into TABLE by a committed run.'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" flatten-meta' -l 'flatten-meta' -d 'Store _pl.source, .line, .row, .page and .sheet in columns _pl_source, _pl_line, … and the other _pl members as JSON in _pl_rest, instead of one _pl column.'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" key' -l 'key' -d 'The fields that identify a row, comma-separated: the new table\'s PRIMARY KEY, or a UNIQUE index added to an existing one. Makes upsert the default mode.' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" mode' -l 'mode' -d 'insert: add every record; upsert: insert new keys, update the carried columns of stored ones; ignore: skip records whose key is stored; replace-table: swap in a new table at commit. upsert and ignore need --key. (default: upsert with --key, else insert)' -rfka 'insert upsert ignore replace-table'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" alter' -l 'alter' -d 'Add a column for a field the table lacks (--no-alter: refuse the load instead, naming the field).'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" no-alter' -l 'no-alter' -d 'Add a column for a field the table lacks (--no-alter: refuse the load instead, naming the field).'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" schema-file' -l 'schema-file' -d 'A Frictionless Table Schema (JSON or YAML): column types, NOT NULL for required fields, and the primaryKey (as --key).' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" version' -l 'version' -d 'Show the version.'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_positional "pl-load" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pl-load' -n '__pl-load_should_offer_completions_for_flags_or_options "pl-load help" version' -l 'version' -d 'Show the version.'
