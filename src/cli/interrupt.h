#pragma once
// SIGINT/SIGTERM handling. The first signal asks the run to stop at the next statement
// boundary (so destructors stop the embedded server and remove its directory); a second one
// exits at once, and the embedded server's guardian process cleans up behind us.
#include <atomic>

namespace pgshadow::cli {

void install_interrupt_handlers();
const std::atomic<bool>& interrupt_requested();
int interrupt_signal();  // the signal received, 0 if none

}  // namespace pgshadow::cli
