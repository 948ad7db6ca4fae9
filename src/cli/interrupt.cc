#include "interrupt.h"

#include <csignal>
#include <unistd.h>

namespace pgshadow::cli {
namespace {

// A signal handler can reach nothing but globals; these two are the only ones in pgshadow.
std::atomic<bool> g_interrupt_requested{false};
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_interrupt(int signal_number) {
  if (g_interrupt_requested.exchange(true)) _exit(128 + signal_number);
  g_signal = signal_number;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR and sees the flag
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& interrupt_requested() { return g_interrupt_requested; }

int interrupt_signal() { return g_signal; }

}  // namespace pgshadow::cli
