#include "exit_status.h"

#include <iostream>

#include "interrupt.h"
#include "pgshadow/core/verdict.h"

namespace pgshadow::cli {

int exit_status_for(const Error& error, std::string_view who) {
  std::cerr << who << ": " << error.message << "\n";
  switch (error.kind) {
    case ErrorKind::kBadInput: return static_cast<int>(ExitCode::kBadInput);
    case ErrorKind::kInfrastructure: return static_cast<int>(ExitCode::kInfrastructure);
    case ErrorKind::kInterrupted: return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  }
  return static_cast<int>(ExitCode::kInfrastructure);
}

}  // namespace pgshadow::cli
