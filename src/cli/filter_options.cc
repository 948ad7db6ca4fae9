#include "filter_options.h"

#include "path_arguments.h"
#include "pgshadow/capture/log_line_prefix.h"

namespace pgshadow::cli {

void add_filter_options(CLI::App& command, FilterOptions& options) {
  const char* input = "Reading logs";
  command.add_option("--log-line-prefix", options.log_line_prefix,
                     "The server's log_line_prefix, for stderr and syslog logs (default: derived from "
                     "the lines, and shown; when several fit, pgshadow stops and lists them)")
      ->type_name("PREFIX")
      ->check(CLI::Validator(
          [](const std::string& prefix) {
            const Status valid = capture::check_log_line_prefix(prefix);
            return valid ? std::string() : valid.error().message;
          },
          "PREFIX"))
      ->group(input);
  command.add_option("--log-settings", options.log_settings,
                     "The server's postgresql.conf (postgresql.auto.conf beside it is read too): "
                     "log_line_prefix, log_timezone, log_parameter_max_length; or the output of "
                     "'SHOW log_line_prefix' or 'postgres -C log_line_prefix'")
      ->type_name("FILE")->group(input);
  command.add_option("--log-timezone", options.log_timezone,
                     "The server's log_timezone, an IANA name (Europe/Berlin): reads zone "
                     "abbreviations (CET/CEST) exactly, also across a DST change (default: "
                     "log_timezone from --log-settings, else a table of common abbreviations)")
      ->type_name("ZONE")->group(input);
  command.add_option("--max-unusable", options.max_unusable,
                     "Refuse the capture (exit 2) when more than this share of the records that look "
                     "like statements cannot be used (default 0.01); a capture with no event is "
                     "always refused")
      ->type_name("FRACTION")->check(CLI::Range(0.0, 1.0))->group(input);
  const char* group = "Filters (whole sessions are kept or left out by the sample and the shard)";
  command.add_option("--database", options.databases, "Only events of this database; repeatable")
      ->type_name("NAME")->group(group);
  command.add_option("--user", options.users, "Only events of this user; repeatable")->type_name("NAME")->group(group);
  command.add_option("--application", options.applications, "Only events of this application_name; repeatable")
      ->type_name("NAME")->group(group);
  command.add_option("--since", options.since, "Only events starting at or after this time (UTC)")
      ->type_name("TIME")->group(group);
  command.add_option("--until", options.until, "Only events starting before this time (UTC)")
      ->type_name("TIME")->group(group);
  command.add_option("--sessions-sample", options.sessions_sample,
                     "Keep this fraction of the sessions, chosen reproducibly by --seed")
      ->type_name("FRACTION")->check(CLI::Range(0.0, 1.0))->group(group);
  command.add_option("--seed", options.seed, "Seed of the session sample")->group(group);
  command.add_option("--shard", options.shard,
                     "Keep shard i of n (by session), e.g. 0/4: N replays side by side cover the capture once")
      ->type_name("i/n")->group(group);
}

Result<capture::EventFilter> build_filter(const FilterOptions& options) {
  capture::EventFilter filter;
  filter.databases = options.databases;
  filter.users = options.users;
  filter.applications = options.applications;
  if (!options.since.empty()) {
    auto since = capture::parse_time_bound(options.since);
    if (!since) return Error::bad_input("--since: " + since.error().message);
    filter.since_us = *since;
  }
  if (!options.until.empty()) {
    auto until = capture::parse_time_bound(options.until);
    if (!until) return Error::bad_input("--until: " + until.error().message);
    filter.until_us = *until;
  }
  if (options.sessions_sample) {
    if (*options.sessions_sample <= 0.0) return Error::bad_input("--sessions-sample must be above 0");
    filter.sessions_sample = options.sessions_sample;
  }
  filter.seed = options.seed;
  if (!options.shard.empty()) {
    auto shard = capture::parse_shard(options.shard);
    if (!shard) return shard.error();
    filter.shard_index = shard->first;
    filter.shard_count = shard->second;
  }
  return filter;
}

Result<std::unique_ptr<capture::EventSource>> open_filtered_capture(
    const std::vector<std::string>& paths, const FilterOptions& options,
    const capture::FilteredEventSource** filtered, bool checked) {
  *filtered = nullptr;
  auto filter = build_filter(options);
  if (!filter) return filter.error();
  if (!options.log_settings.empty()) {
    if (Status s = check_input_path("--log-settings", options.log_settings, PathUse::kFile); !s) return s.error();
  }
  auto source = capture::open_capture(paths, {options.log_line_prefix, options.log_settings, options.log_timezone});
  if (!source) return source.error();
  std::unique_ptr<capture::EventSource> opened = std::move(source).value();
  if (!filter->empty()) {
    auto wrapped = std::make_unique<capture::FilteredEventSource>(std::move(opened), *filter);
    *filtered = wrapped.get();
    opened = std::move(wrapped);
  }
  if (!checked) return opened;
  return std::unique_ptr<capture::EventSource>(
      std::make_unique<capture::CheckedEventSource>(std::move(opened), *filtered, options.max_unusable));
}

Status read_first_event(capture::EventSource& source) {
  auto* checked = dynamic_cast<capture::CheckedEventSource*>(&source);
  return checked != nullptr ? checked->read_first_event() : Status::success();
}

}  // namespace pgshadow::cli
