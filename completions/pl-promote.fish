function __pl-promote_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-promote_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pl-promote_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pl-promote_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pl-promote_parse_tokens -S
    set -l unparsed_tokens (__pl-promote_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pl-promote'
        __pl-promote_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'bronze'
            __pl-promote_parse_subcommand -r 1 'lake=' 'dataset=' 'files-from=' '0/null' 'name=' 'ingest-date=' 'mode=' 'wait=' 'lineage=' 'lineage-namespace=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'pending'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'format=' '0' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'silver'
            __pl-promote_parse_subcommand -r 1 'lake=' 'dataset=' 'partition-by=' 'key=' 'compression=' 'rejects=' 'max-open-parts=' 'pseudonymise=' 'pseudonym-key=' 'pseudonym-key-env=' 'pseudonym-length=' 'pseudonym-prefix=' 'mode=' 'wait=' 'lineage=' 'lineage-namespace=' 'quality-report=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'compact'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'layer=' 'partition=+' 'key=' 'compression=' 'mode=' 'wait=' 'lineage=' 'lineage-namespace=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'show'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'format=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'log'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'format=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'gold'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'spec=' 'gold-dataset=' 'full' 'compression=' 'mode=' 'wait=' 'lineage=' 'lineage-namespace=' 'quality-report=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'retention'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'layer=' 'retain=' 'as-of=' 'dry-run' 'mode=' 'wait=' 'lineage=' 'lineage-namespace=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'purge-bronze'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'retain=' 'as-of=' 'confirm' 'mode=' 'wait=' 'lineage=' 'lineage-namespace=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'verify'
            __pl-promote_parse_subcommand 0 'lake=' 'dataset=' 'format=' 'q/quiet' 'log-format=' 'metrics=' 'no-meta' 'version' 'h/help'
        case 'help'
            __pl-promote_parse_subcommand -r 1 'version'
        end
    end
end

function __pl-promote_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pl-promote_parse_subcommand -S -a positional_count
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

function __pl-promote_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pl-promote_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pl-promote_tokens -p)
    if test -z "$(__pl-promote_tokens -t)"
        set -l index (count (__pl-promote_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pl-promote' -f
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'bronze' -d 'Store files exactly as received, content-addressed, in bronze/<dataset>/ingest_date=…/.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'pending' -d 'List the bronze files of a dataset that no silver batch has promoted yet.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'silver' -d 'Promote NDJSON records into date partitions of a silver dataset, as one atomic batch.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'compact' -d 'Rewrite partitions keeping only the current version of each key, atomically.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'show' -d 'Show what is in the lake: datasets, partitions, files, records, bytes, last promotion.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'log' -d 'List the batches of the lake from their manifests: who promoted what, when.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'gold' -d 'Build gold aggregates of a silver dataset: measures, quality score and anomaly flags per group and period.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'retention' -d 'Remove silver or gold partitions older than --retain, through a manifest.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'purge-bronze' -d 'Delete bronze files older than --retain, only with --confirm.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'verify' -d 'Re-hash bronze files and parts against the manifests; exit 1 when something differs.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_positional "pl-promote" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" dataset' -l 'dataset' -d 'The bronze dataset (a folder name, such as coa).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" files-from' -l 'files-from' -d 'Read the input paths from FILE (- for standard input), one a line: blank lines are passed over, relative paths are relative to the current directory, and they come after the FILE arguments. A listed path that does not exist is an error naming the list and its line (exit 66).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" 0 null' -s '0' -l 'null' -d 'The --files-from list is separated by NUL bytes (find -print0, pl-promote pending --format paths -0), not by lines.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" name' -l 'name' -d 'The original name of the file read from standard input (-).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" ingest-date' -l 'ingest-date' -d 'The ingest_date partition, for a backfill (default: today, UTC).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" mode' -l 'mode' -d 'Mode of the files written, in octal (folders get x where r is given; bronze files and manifests lose w). Set exactly, whatever the umask. (default: 0640)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" wait' -l 'wait' -d 'Wait up to SECONDS for another run writing the dataset, then exit 75. (default: 0)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" lineage' -l 'lineage' -d 'Append OpenLineage run events (START, then COMPLETE or FAIL) to FILE, one JSON object a line.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" lineage-namespace' -l 'lineage-namespace' -d 'The namespace of the lake\'s datasets in the events. (default: file:// and the lake\'s absolute path)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote bronze" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" dataset' -l 'dataset' -d 'The bronze dataset.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" format' -l 'format' -d 'records: one NDJSON record per file; paths: one path per line.' -rfka 'records paths'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" 0' -s '0' -d 'With --format paths, end each path with a NUL byte instead of a newline (for xargs -0).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote pending" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" dataset' -l 'dataset' -d 'The silver dataset (a folder name, such as results).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" partition-by' -l 'partition-by' -d 'The field whose UTC day is the partition. (default: measured_at:day)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" key' -l 'key' -d 'The fields that identify a record, comma-separated: a later record with the same key supersedes an earlier one.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" compression' -l 'compression' -d 'Compression of the parts. (default: gzip)' -rfka 'gzip zstd'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" rejects' -l 'rejects' -d 'Write refused records to FILE (NDJSON with _pl.errors) and go on; without it the first refused record stops the batch.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" max-open-parts' -l 'max-open-parts' -d 'At most N parts are written at once; a batch touching more partitions starts a further part of a partition when it comes back to it. (default: 32)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" pseudonymise' -l 'pseudonymise' -d 'Replace the values of these fields by their HMAC-SHA-256 pseudonym, as pl-clean\'s pseudonymise: does, before partitioning and keys.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" pseudonym-key' -l 'pseudonym-key' -d 'The file holding the secret key (a trailing newline is not part of it).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" pseudonym-key-env' -l 'pseudonym-key-env' -d 'The environment variable holding the secret key, instead of a file.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" pseudonym-length' -l 'pseudonym-length' -d 'Hexadecimal digits kept, 8 to 64. (default: 64)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" pseudonym-prefix' -l 'pseudonym-prefix' -d 'Text put before the digits. (default: none)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" mode' -l 'mode' -d 'Mode of the files written, in octal (folders get x where r is given; bronze files and manifests lose w). Set exactly, whatever the umask. (default: 0640)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" wait' -l 'wait' -d 'Wait up to SECONDS for another run writing the dataset, then exit 75. (default: 0)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" lineage' -l 'lineage' -d 'Append OpenLineage run events (START, then COMPLETE or FAIL) to FILE, one JSON object a line.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" lineage-namespace' -l 'lineage-namespace' -d 'The namespace of the lake\'s datasets in the events. (default: file:// and the lake\'s absolute path)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" quality-report' -l 'quality-report' -d 'pl-validate\'s --report of the records promoted: its rules become the events\' data-quality assertions (needs --lineage).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote silver" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" dataset' -l 'dataset' -d 'The dataset.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" layer' -l 'layer' -d 'The layer of the dataset. (default: silver)' -rfka 'silver gold'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact"' -l 'partition' -d 'A partition to compact (repeatable); all when none is given.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" key' -l 'key' -d 'The key fields, comma-separated (default: the key of the last keyed batch).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" compression' -l 'compression' -d 'Compression of the new parts. (default: gzip)' -rfka 'gzip zstd'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" mode' -l 'mode' -d 'Mode of the files written, in octal (folders get x where r is given; bronze files and manifests lose w). Set exactly, whatever the umask. (default: 0640)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" wait' -l 'wait' -d 'Wait up to SECONDS for another run writing the dataset, then exit 75. (default: 0)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" lineage' -l 'lineage' -d 'Append OpenLineage run events (START, then COMPLETE or FAIL) to FILE, one JSON object a line.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" lineage-namespace' -l 'lineage-namespace' -d 'The namespace of the lake\'s datasets in the events. (default: file:// and the lake\'s absolute path)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote compact" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" dataset' -l 'dataset' -d 'Show the partitions of this dataset.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" format' -l 'format' -d 'table: aligned text; records: one NDJSON record per row. (default: table)' -rfka 'table records'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" dataset' -l 'dataset' -d 'Only this dataset.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" format' -l 'format' -d 'table: aligned text; records: one NDJSON record per manifest. (default: table)' -rfka 'table records'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" dataset' -l 'dataset' -d 'The silver dataset to aggregate.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" spec' -l 'spec' -d 'The gold spec (YAML or JSON).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" gold-dataset' -l 'gold-dataset' -d 'The gold dataset written (default: the silver dataset\'s name).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" full' -l 'full' -d 'Recompute every partition, changed or not.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" compression' -l 'compression' -d 'Compression of the parts. (default: gzip)' -rfka 'gzip zstd'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" mode' -l 'mode' -d 'Mode of the files written, in octal (folders get x where r is given; bronze files and manifests lose w). Set exactly, whatever the umask. (default: 0640)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" wait' -l 'wait' -d 'Wait up to SECONDS for another run writing the dataset, then exit 75. (default: 0)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" lineage' -l 'lineage' -d 'Append OpenLineage run events (START, then COMPLETE or FAIL) to FILE, one JSON object a line.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" lineage-namespace' -l 'lineage-namespace' -d 'The namespace of the lake\'s datasets in the events. (default: file:// and the lake\'s absolute path)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" quality-report' -l 'quality-report' -d 'pl-validate\'s --report of the records promoted: its rules become the events\' data-quality assertions (needs --lineage).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote gold" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" dataset' -l 'dataset' -d 'The dataset.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" layer' -l 'layer' -d 'The layer of the dataset. (default: silver)' -rfka 'silver gold'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" retain' -l 'retain' -d 'How long partitions are kept: days (400d) or weeks (58w).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" as-of' -l 'as-of' -d 'The day ages are counted from (default: today, UTC).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" dry-run' -l 'dry-run' -d 'List the partitions that would go; remove nothing.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" mode' -l 'mode' -d 'Mode of the files written, in octal (folders get x where r is given; bronze files and manifests lose w). Set exactly, whatever the umask. (default: 0640)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" wait' -l 'wait' -d 'Wait up to SECONDS for another run writing the dataset, then exit 75. (default: 0)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" lineage' -l 'lineage' -d 'Append OpenLineage run events (START, then COMPLETE or FAIL) to FILE, one JSON object a line.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" lineage-namespace' -l 'lineage-namespace' -d 'The namespace of the lake\'s datasets in the events. (default: file:// and the lake\'s absolute path)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote retention" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" dataset' -l 'dataset' -d 'The bronze dataset.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" retain' -l 'retain' -d 'How long bronze files are kept: days (400d) or weeks (58w).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" as-of' -l 'as-of' -d 'The day ages are counted from (default: today, UTC).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" confirm' -l 'confirm' -d 'Really delete the files (without it, only list them).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" mode' -l 'mode' -d 'Mode of the files written, in octal (folders get x where r is given; bronze files and manifests lose w). Set exactly, whatever the umask. (default: 0640)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" wait' -l 'wait' -d 'Wait up to SECONDS for another run writing the dataset, then exit 75. (default: 0)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" lineage' -l 'lineage' -d 'Append OpenLineage run events (START, then COMPLETE or FAIL) to FILE, one JSON object a line.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" lineage-namespace' -l 'lineage-namespace' -d 'The namespace of the lake\'s datasets in the events. (default: file:// and the lake\'s absolute path)' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote purge-bronze" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" lake' -l 'lake' -d 'The lake folder.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" dataset' -l 'dataset' -d 'Only this dataset (in every layer).' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" format' -l 'format' -d 'text: one line per difference; records: one NDJSON record each. (default: text)' -rfka 'text records'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" q quiet' -s 'q' -l 'quiet' -d 'Print no progress and no summary on standard error (errors are still printed).'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" log-format' -l 'log-format' -d 'Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).' -rfka 'text json'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" metrics' -l 'metrics' -d 'Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter\'s textfile collector.' -rfka ''
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" no-meta' -l 'no-meta' -d 'Leave the _pl metadata out of what is written.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" version' -l 'version' -d 'Show the version.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pl-promote' -n '__pl-promote_should_offer_completions_for_flags_or_options "pl-promote help" version' -l 'version' -d 'Show the version.'
