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
        __pl-extract_parse_subcommand -r 1 'format=' 'd/delimiter=' 'no-header' 'allow-ragged' 'encoding=' 'on-error=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
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
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" format' -l 'format' -d 'Input format: auto, ndjson, json, csv or tsv.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" d delimiter' -s 'd' -l 'delimiter' -d 'Field delimiter of CSV input: one ASCII character, or tab, comma, semicolon, pipe (default: detected among , ; tab |).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" no-header' -l 'no-header' -d 'CSV input has no header row; keys are the column numbers 1, 2, ….'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" allow-ragged' -l 'allow-ragged' -d 'Keep CSV rows with more or fewer fields than the header: extra fields are keyed by column number, missing ones are empty.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" encoding' -l 'encoding' -d 'Character encoding of the input, as iconv names it (utf-8, windows-1252, iso-8859-1, utf-16le, shift_jis, …). Default: detected — UTF-8, UTF-16 by its byte-order mark or its zero bytes, else Windows-1252 for CSV text that is not UTF-8.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" on-error' -l 'on-error' -d 'What to do with bad input: fail (stop, exit 65, end the output with an abort line) or skip (report each bad record or input on standard error, count it in the summary, go on; exit 0).' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" version' -l 'version' -d 'Show the version.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_positional "pl-extract" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pl-extract' -n '__pl-extract_should_offer_completions_for_flags_or_options "pl-extract help" version' -l 'version' -d 'Show the version.'
