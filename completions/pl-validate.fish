function __pl-validate_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-validate_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pl-validate_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-validate_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pl-validate_parse_tokens -S
    set -l unparsed_tokens (__pl-validate_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pl-validate'
        __pl-validate_parse_subcommand -r 1 's/schema=' 'rejects=' 'report=' 'html=' 'max-rejects=' 'now=' 'unique-memory=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pl-validate_parse_subcommand -r 1 'version'
        end
    end
end

function __pl-validate_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pl-validate_parse_subcommand -S -a positional_count
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

function __pl-validate_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pl-validate_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pl-validate_tokens -p)
    if test -z "$(__pl-validate_tokens -t)"
        set -l index (count (__pl-validate_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pl-validate' -f
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" s schema' -s 's' -l 'schema' -d 'The schema file (YAML or JSON), or lab for the built-in schema of canonical lab records.' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" rejects' -l 'rejects' -d 'Write rejected records, with their reasons in _pl.errors, to FILE (written whole or not at all).' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" report' -l 'report' -d 'Write the report as JSON to FILE: counts, every rule\'s tally with failing examples, dataset rules, an OpenLineage dataQualityAssertions facet.' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" html' -l 'html' -d 'Write the report as a self-contained HTML page to FILE.' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" max-rejects' -l 'max-rejects' -d 'Fail the quality gate (exit 1) when more than N records, or P percent of them, are rejected (default: 0 without --rejects, unlimited with it).' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" now' -l 'now' -d 'Take TIME (ISO 8601) as now for time rules (not_future, freshness), so that a run can be repeated exactly (default: the clock).' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" unique-memory' -l 'unique-memory' -d 'Keep up to N unique-key digests (16 bytes each) in memory per rule before spilling to a temporary file.' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" version' -l 'version' -d 'Show the version.'
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_positional "pl-validate" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pl-validate' -n '__pl-validate_should_offer_completions_for_flags_or_options "pl-validate help" version' -l 'version' -d 'Show the version.'
