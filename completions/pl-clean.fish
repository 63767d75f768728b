function __pl-clean_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-clean_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pl-clean_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-clean_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pl-clean_parse_tokens -S
    set -l unparsed_tokens (__pl-clean_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pl-clean'
        __pl-clean_parse_subcommand -r 1 'spec=' 'profile=' 'shape=' 'tz=' 'decimal=' 'date-order=' 'snake-case' 'rename=+' 'drop=+' 'keep=+' 'sentinel=+' 'dedupe=' 'no-raw' 'on-error=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pl-clean_parse_subcommand -r 1 'version'
        end
    end
end

function __pl-clean_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pl-clean_parse_subcommand -S -a positional_count
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

function __pl-clean_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pl-clean_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pl-clean_tokens -p)
    if test -z "$(__pl-clean_tokens -t)"
        set -l index (count (__pl-clean_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pl-clean' -f
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" spec' -l 'spec' -d 'The cleaning spec: a YAML or JSON file (see pl-clean(1)).' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" profile' -l 'profile' -d 'The profile the spec extends: lab (default: names in snake case) or none (only what the spec and flags say).' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" shape' -l 'shape' -d 'The shape of the records: result, reading, score, auto (detected per source by the lab profile; the default) or none (not reshaped).' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" tz' -l 'tz' -d 'The IANA time zone of times written without an offset (Europe/Berlin, UTC).' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" decimal' -l 'decimal' -d 'The decimal mark of numbers written as text: comma or point.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" date-order' -l 'date-order' -d 'The order of day, month and year in dates such as 03/04/2024: dmy, mdy or ymd.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" snake-case' -l 'snake-case' -d 'Write field names in snake case (Protein (%) → protein_pct); the lab profile does.'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean"' -l 'rename' -d 'Rename field OLD to NEW (OLD matched without regard to case and spaces); repeat for more.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean"' -l 'drop' -d 'Leave field F out (its name after renaming); repeat for more.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean"' -l 'keep' -d 'Write only field F (and the other --keep fields), in the order given; repeat for more.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean"' -l 'sentinel' -d 'A text that stands for no value (n/a, -); repeat for more.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" dedupe' -l 'dedupe' -d 'Drop records whose KEYS fields (comma-separated) repeat an earlier record\'s.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" no-raw' -l 'no-raw' -d 'Keep no originals of changed values in _pl.raw.'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" on-error' -l 'on-error' -d 'What to do with a malformed input line or a missing input: fail (stop, exit 65 or 66, end the output with an abort line) or skip (report it, count it in the summary, go on; exit 65 at the end if anything was passed over).' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" version' -l 'version' -d 'Show the version.'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_positional "pl-clean" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pl-clean' -n '__pl-clean_should_offer_completions_for_flags_or_options "pl-clean help" version' -l 'version' -d 'Show the version.'
