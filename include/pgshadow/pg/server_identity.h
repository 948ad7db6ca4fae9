#pragma once
// What a server says about itself, to tell whether two connection strings reach the same
// database however they are written (a Unix socket, the machine's host name, a multi-host URI,
// a service file): text comparison cannot.
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

struct ServerIdentity {
  // pg_control_system(): set by initdb, kept by physical replicas and file-level copies.
  std::string system_identifier;
  std::string database_oid;
  std::string database_name;
  std::string started_at;  // pg_postmaster_start_time(): a copy or replica is another instance
  std::string user;        // the connecting user (session_user)
  bool superuser = false;  // whether that user is a superuser there
};

// Connects once and asks. `option` names the flag the conninfo came from, for messages.
// Error kBadInput when the conninfo does not parse ("--shadow-dsn: cannot parse the connection
// string ..."), kInfrastructure when the server cannot be reached or will not say (the message
// has the redacted conninfo, never a password).
Result<ServerIdentity> identify_server(const std::string& conninfo, std::string_view option);

// The same database of the same cluster lineage: a physical replica or a copy of it counts too,
// so that a check built on it refuses rather than allows.
bool same_database(const ServerIdentity& a, const ServerIdentity& b);

// The same database of the same running server (a file-level copy started on its own is not).
bool same_server_database(const ServerIdentity& a, const ServerIdentity& b);

}  // namespace pgshadow::pg
