function __pl-report_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-report_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pl-report_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-report_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pl-report_parse_tokens -S
    set -l unparsed_tokens (__pl-report_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pl-report'
        __pl-report_parse_subcommand 0 'lake=' 'dataset=+' 'out=' 'format=' 'stale-after=+' 'validation-report=+' 'rejects=+' 'lab-field=' 'spec=' 'points=' 'min-points=' 'now=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pl-report_parse_subcommand -r 1 'version'
        end
    end
end

function __pl-report_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pl-report_parse_subcommand -S -a positional_count
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

function __pl-report_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pl-report_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pl-report_tokens -p)
    if test -z "$(__pl-report_tokens -t)"
        set -l index (count (__pl-report_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pl-report' -f
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report"' -l 'dataset' -d 'Report only this dataset (of every layer); repeatable. (default: all)' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" out' -l 'out' -d 'The HTML file to write; with --format svg or png, the folder of the chart files (made when missing).' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" format' -l 'format' -d 'html: one page; svg or png: one file per chart, worst first.' -rfka 'html svg png'
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report"' -l 'stale-after' -d 'Show a dataset red when its last promotion is older than SPAN (s, m, h, d or w: 36h, 2d); DATASET=SPAN for one dataset. Repeatable. (default: 36h)' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report"' -l 'validation-report' -d 'pl-validate --report files for the scorecard\'s pass rates per rule and rejects per day; repeatable.' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report"' -l 'rejects' -d 'pl-validate --rejects files for the scorecard\'s rejects per lab; repeatable.' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" lab-field' -l 'lab-field' -d 'The field of a rejected record naming its lab.' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" spec' -l 'spec' -d 'The gold spec whose limits table draws the specification lines (default: the spec the last gold build names, when it can be read).' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" points' -l 'points' -d 'The last N points of each chart are drawn.' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" min-points' -l 'min-points' -d 'A group with fewer than N points, none flagged by gold and none out of spec, is a row of a table instead of a chart.' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" now' -l 'now' -d 'Take TIME (ISO 8601) as now for the ages, so that a report can be repeated exactly (default: the clock).' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" version' -l 'version' -d 'Show the version.'
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_positional "pl-report" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pl-report' -n '__pl-report_should_offer_completions_for_flags_or_options "pl-report help" version' -l 'version' -d 'Show the version.'
