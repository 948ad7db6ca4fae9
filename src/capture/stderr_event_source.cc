#include "stderr_event_source.h"

#include <utility>

#include "merged_event_source.h"
#include "stderr_prefix_guess.h"
#include "stderr_settings.h"
#include "syslog_line.h"

namespace pgshadow::capture {
namespace {

constexpr std::size_t kGuessLines = 2000;
constexpr std::size_t kGuessMaxBytes = std::size_t{16} << 20;  // a sample of huge statements stops early

// The first lines of `in`, for guessing the prefix, as the server wrote them to stderr (a
// CRLF's "\r" and a syslog line's header taken off), and the bytes they took (to be replayed when
// the stream cannot be reopened).
void sample_lines(std::istream& in, bool syslog, std::vector<std::string>& lines, std::string& taken) {
  std::string line;
  SyslogLine unwrapped;
  while (lines.size() < kGuessLines && taken.size() < kGuessMaxBytes && std::getline(in, line)) {
    taken += line;
    if (!in.eof()) taken += '\n';
    if (line.ends_with('\r')) line.pop_back();
    if (syslog && parse_syslog_line(line, unwrapped)) {
      if (unwrapped.part > 1 && !unwrapped.text.starts_with('\t')) continue;  // a split line's rest
      line = std::move(unwrapped.text);
    }
    lines.push_back(std::move(line));
  }
}

LogRecord record_of(const StderrMessage& m, const SessionIdentity& who) {
  LogRecord r;
  r.log_time = m.log_time;
  r.user_name = who.user;
  r.database_name = who.database;
  r.session_id = who.session_id;
  r.command_tag = m.command_tag;
  r.error_severity = m.severity;
  r.sql_state_code = m.sql_state;
  r.message = m.text;
  r.detail = m.detail;
  r.query = m.query;
  r.context = m.context;
  r.application_name = who.application;
  return r;
}

std::string single_quoted(const std::string& prefix) { return "'" + prefix + "'"; }

}  // namespace

StderrEventSource::StderrEventSource(std::vector<std::string> files, std::string description,
                                     LinePrefix prefix, InputProblems& problems,
                                     const ServerLogSettings& settings, bool syslog,
                                     std::unique_ptr<InputStream> first_opened, std::string first_taken)
    : files_(std::move(files), std::move(first_opened)),
      description_(std::move(description)),
      prefix_(std::move(prefix)),
      problems_(problems),
      assembler_(problems, record_accounting_, settings),
      sessions_(prefix_),
      first_taken_(std::move(first_taken)),
      settings_(settings),
      syslog_(syslog) {}

Result<std::optional<Event>> StderrEventSource::next() {
  for (;;) {
    if (std::optional<Event> event = assembler_.pop_finished()) {
      event->sequence = accounting_.events++;
      return event;
    }
    if (input_ended_) return std::optional<Event>{};
    if (!reader_) {
      if (Status opened = open_next_file(); !opened) return opened.error();
      if (input_ended_) continue;
    }
    bool got = false;
    try {
      got = reader_->next(message_);
    } catch (...) {
      return read_error(files_.file());
    }
    accounting_.lines_read = lines_of_closed_files_ + reader_->lines_read();
    if (!got) {
      lines_of_closed_files_ = accounting_.lines_read;
      reader_.reset();
      replay_stream_.reset();
      replay_buffer_.reset();
      files_.close();
      continue;
    }
    add_message(message_);
  }
}

Status StderrEventSource::open_next_file() {
  auto opened = files_.open_next();
  if (!opened) return opened.error();
  if (!*opened) {
    assembler_.finish_all();
    input_ended_ = true;
    return Status::success();
  }
  std::istream* stream = &files_.stream();
  if (!first_taken_.empty()) {
    // files[0] was sampled through a stream that cannot seek: give those bytes back first.
    replay_buffer_ = std::make_unique<ReplayingStreambuf>(std::move(first_taken_), *stream->rdbuf());
    replay_stream_ = std::make_unique<std::istream>(replay_buffer_.get());
    replay_stream_->exceptions(std::ios::badbit);
    stream = replay_stream_.get();
    first_taken_.clear();
  }
  reader_ = std::make_unique<StderrLogReader>(*stream, files_.file(), prefix_, problems_, syslog_, &accounting_);
  return Status::success();
}

// The assembler counts the message once, as its first line; its other lines go where that one
// went, so the accounting stays in physical lines.
void StderrEventSource::add_message(const StderrMessage& message) {
  record_accounting_ = InputAccounting{};
  const std::uint64_t problems_before = problems_.total();
  const SourceLocation where{reader_->file(), message.first_line};
  assembler_.add(record_of(message, sessions_.identify(message)), where);

  const std::uint64_t lines = message.lines;
  accounting_.lines_in_events += record_accounting_.lines_in_events * lines;
  accounting_.lines_not_statements += record_accounting_.lines_not_statements * lines;
  for (const auto& [kind, count] : record_accounting_.not_statement_by_kind) {
    accounting_.not_statement_by_kind[kind] += count * lines;
  }
  for (const auto& [reason, unusable] : record_accounting_.unusable_statements) {
    accounting_.add_unusable_statement(unusable.first, reason, unusable.first_detail);
  }
  accounting_.time_zones.insert(record_accounting_.time_zones.begin(), record_accounting_.time_zones.end());
  if (problems_.total() > problems_before) {
    for (std::uint64_t line = message.first_line + 1; line < message.first_line + lines; ++line) {
      problems_.report({reader_->file(), line}, "line of an unusable message",
                       "part of the message at line " + std::to_string(message.first_line));
    }
  }
}

std::optional<std::int64_t> StderrEventSource::first_timestamp(const std::string& file,
                                                                const LinePrefix& prefix,
                                                                const LogTimeZone& zone, bool syslog) {
  auto in = InputStream::open(file);
  if (!in) return std::nullopt;
  InputProblems ignored;  // reported when the file is really read
  StderrLogReader reader((*in)->stream(), file, prefix, ignored, syslog);
  StderrMessage message;
  LogTimeReader times(zone);
  try {
    while (reader.next(message)) {
      if (auto time = times.read(message.log_time)) return *time;
    }
  } catch (...) {
    // A read error is reported when the file is really read.
  }
  return std::nullopt;
}

Result<std::unique_ptr<StderrEventSource>> open_stderr_log(std::vector<std::string> files,
                                                           std::string description,
                                                           const StderrOptions& options,
                                                           InputProblems& problems,
                                                           const ServerLogSettings& settings,
                                                           std::unique_ptr<InputStream> first_opened) {
  if (files.empty()) return Error::bad_input("no stderr log file given");
  std::string prefix_text;
  std::string first_taken;
  std::optional<LogSettings> from_file;
  if (!options.log_line_prefix && !options.settings_file.empty()) {
    auto read = read_log_settings(options.settings_file);
    if (!read) return read.error();
    if (read->log_line_prefix) from_file = std::move(*read);
  }
  if (options.log_line_prefix) {
    prefix_text = *options.log_line_prefix;
    description += " (log_line_prefix " + single_quoted(prefix_text) + ")";
  } else if (from_file) {
    prefix_text = *from_file->log_line_prefix;
    description += " (log_line_prefix " + single_quoted(prefix_text) + " from " + from_file->log_line_prefix_from + ")";
  } else {
    const std::string name = FileSequence::display_name(files[0]);
    std::vector<std::string> lines;
    try {
      if (first_opened) {
        sample_lines(first_opened->stream(), options.syslog, lines, first_taken);
      } else {
        auto in = InputStream::open(files[0]);
        if (!in) return in.error();
        sample_lines((*in)->stream(), options.syslog, lines, first_taken);
        first_taken.clear();  // a file is simply read again from its start
      }
    } catch (...) {
      return read_error(name);
    }
    auto guess = guess_log_line_prefix(lines, name);
    if (!guess) return guess.error();
    prefix_text = guess->log_line_prefix;
    description += " (guessed log_line_prefix " + single_quoted(prefix_text) + ")";
  }
  auto prefix = LinePrefix::compile(prefix_text);
  if (!prefix) return prefix.error();
  return std::make_unique<StderrEventSource>(std::move(files), std::move(description), std::move(*prefix),
                                             problems, settings, options.syslog, std::move(first_opened),
                                             std::move(first_taken));
}

Result<std::unique_ptr<EventSource>> open_stderr_log(const std::vector<std::string>& files,
                                                     const StderrOptions& options) {
  auto merged = std::make_unique<MergedEventSource>();
  const std::string description =
      "stderr: " + (files.size() == 1 ? FileSequence::display_name(files.empty() ? "" : files[0])
                                      : std::to_string(files.size()) + " files");
  auto source = open_stderr_log(files, description, options, merged->problem_sink(), merged->server_settings());
  if (!source) return source.error();
  merged->add_input(std::move(*source));
  return std::unique_ptr<EventSource>(std::move(merged));
}

}  // namespace pgshadow::capture
