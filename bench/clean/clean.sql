-- The benchmark spec (bench/clean/spec.yml) in DuckDB SQL, one thread. IN and OUT are
-- replaced by the script.
SET threads = 1;
SET enable_progress_bar = false;
COPY (
  SELECT
    Probe AS sample_id,
    strftime(timezone('UTC', timezone('Europe/Amsterdam', strptime(Datum, '%d.%m.%Y %H:%M'))), '%Y-%m-%dT%H:%M:%SZ') AS measured_at,
    CAST(replace("Protein [%]", ',', '.') AS DOUBLE) AS protein,
    CASE WHEN starts_with(Fett, '<') THEN NULL ELSE CAST(replace(Fett, ',', '.') AS DOUBLE) END AS fat,
    CASE WHEN starts_with(Fett, '<') THEN '<' END AS fat_qualifier,
    CASE WHEN starts_with(Fett, '<') THEN CAST(replace(substr(Fett, 2), ',', '.') AS DOUBLE) END AS fat_limit,
    CAST(replace(Asche, ',', '.') AS DOUBLE) AS ash,
    CAST(replace("Natrium [mg/kg]", ',', '.') AS DOUBLE) / 10 AS sodium
  FROM read_json('IN', format = 'newline_delimited',
    columns = {'Probe': 'VARCHAR', 'Datum': 'VARCHAR', 'Protein [%]': 'VARCHAR', 'Fett': 'VARCHAR', 'Asche': 'VARCHAR', 'Natrium [mg/kg]': 'VARCHAR'})
) TO 'OUT' (FORMAT JSON);
