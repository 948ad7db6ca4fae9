#pragma once
// Connection strings, libpq's way (URIs, key=value strings, PG* environment variables),
// and their safe display.
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

// The conninfo with any password replaced by "********", for every message and report.
// Parses with PQconninfoParse, so URIs and key=value strings are both handled; an unparsable
// string is shown as "<unparsable connection string>" (it might contain a password).
std::string redact(std::string_view conninfo);

// The same connection with dbname replaced (keeps every other setting, URI or key=value).
Result<std::string> with_database(std::string_view conninfo, std::string_view database);

// The same connection with one setting replaced or added ("user", "options", ...).
Result<std::string> with_setting(std::string_view conninfo, std::string_view keyword, std::string_view value);

// The value of a setting written in the conninfo (not libpq's default), or empty.
std::string setting_of(std::string_view conninfo, std::string_view keyword);

// Whether libpq can parse the string (URI or key=value).
bool parses(std::string_view conninfo);

// The database name the conninfo connects to (after PG* defaults), for messages.
std::string database_of(std::string_view conninfo);

// A value written for a key=value conninfo: bare when it can be, else single-quoted with
// backslash escapes ("/tmp/x" stays, "a b" becomes 'a b', "it's" becomes 'it\'s').
std::string quote_conninfo_value(std::string_view value);

}  // namespace pgshadow::pg
