# The benchmark spec (bench/clean/spec.yml) as a jq program. jq has no time zones: the EU
# daylight-saving rule (last Sunday of March to last Sunday of October, 01:00 UTC) is spelt
# out; a time in the skipped hour moves forward by the gap, one in the repeated hour is its
# first occurrence, as pl-clean does.
def num: sub(","; ".") | tonumber;
def lastsunday($y; $m; $d): ("\($y)-\($m)-\($d)T01:00:00Z" | fromdateiso8601) as $t | $t - (($t | gmtime | .[6]) * 86400);
def amsterdam_utc:
  strptime("%d.%m.%Y %H:%M") as $bt | ($bt | mktime) as $l | ($bt[0]) as $y
  | lastsunday($y; "03"; "31") as $start | lastsunday($y; "10"; "31") as $stop
  | (if ($l - 7200) >= $start and ($l - 7200) < $stop then $l - 7200 else $l - 3600 end)
  | strftime("%Y-%m-%dT%H:%M:%SZ");
(.Fett | startswith("<")) as $censored
| {sample_id: .Probe,
   measured_at: (.Datum | amsterdam_utc),
   protein: (.["Protein [%]"] | num),
   fat: (if $censored then null else (.Fett | num) end),
   fat_qualifier: (if $censored then "<" else null end),
   fat_limit: (if $censored then (.Fett[1:] | num) else null end),
   ash: (.Asche | num),
   sodium: ((.["Natrium [mg/kg]"] | num) / 10)}
