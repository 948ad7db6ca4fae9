// One io_context on one thread; one Session per connection, kept alive by the handlers it has
// pending (shared_from_this), so stopping the io_context and destroying it frees every session.
#include "pgshadow/http/http_server.h"

#include <atomic>
#include <exception>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pgshadow::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// What every session shares with the server; outlives the server object if a session does.
struct Context {
  ServerSettings settings;
  Handler handler;
};

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<const Context> context)
      : stream_(std::move(socket)), context_(std::move(context)) {}

  void start() { read(); }

  // Server thread only: drops the connection now, whatever is pending.
  void abort() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(context_->settings.max_header_bytes));
    parser_->body_limit(context_->settings.max_body_bytes);
    // One deadline for the whole request: a client trickling bytes cannot hold the connection.
    stream_.expires_after(context_->settings.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) return close();
    if (ec == bhttp::error::header_limit) return reply_error(431, "request header too large\n");
    if (ec == bhttp::error::body_limit) return reply_error(413, "request body too large\n");
    if (ec && is_parse_error(ec)) return reply_error(400, "malformed request: " + ec.message() + "\n");
    if (ec) return;  // timeout, reset: the stream is already unusable

    const auto& request = parser_->get();
    Request mapped;
    mapped.method = std::string(request.method_string());
    mapped.target = std::string(request.target());
    mapped.path = mapped.target.substr(0, mapped.target.find('?'));
    Response answer;
    try {
      answer = context_->handler(mapped);
    } catch (const std::exception& e) {
      answer = Response{500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n", {}};
    }
    write(answer, request.keep_alive(), request.method() == bhttp::verb::head);
  }

  void reply_error(int status, std::string body) {
    write(Response{status, "text/plain; charset=utf-8", std::move(body), {}}, false, false);
  }

  void write(const Response& answer, bool keep_alive, bool head) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(bhttp::field::server, "pgshadow");
    response_.set(bhttp::field::content_type, answer.content_type);
    if (!answer.allow.empty()) response_.set(bhttp::field::allow, answer.allow);
    response_.keep_alive(keep_alive);
    response_.body() = head ? std::string() : answer.body;
    response_.prepare_payload();
    if (head) response_.content_length(answer.body.size());
    stream_.expires_after(context_->settings.read_timeout);
    serializer_.emplace(response_);
    if (head) serializer_->split(true);
    const auto done = [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!keep_alive) return self->close();
      self->read();
    };
    if (head) {
      bhttp::async_write_header(stream_, *serializer_, done);
    } else {
      bhttp::async_write(stream_, *serializer_, done);
    }
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<const Context> context_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  std::optional<bhttp::response_serializer<bhttp::string_body>> serializer_;
};

class BeastServer final : public HttpServer {
 public:
  explicit BeastServer(std::shared_ptr<const Context> context)
      : context_(std::move(context)), acceptor_(io_) {}
  ~BeastServer() override { stop(); }

  Status open() {
    const ListenAddress& address = context_->settings.address;
    const auto fail = [&](const beast::error_code& ec) {
      return Error::infrastructure("cannot listen on " + address.to_string() + ": " + ec.message());
    };
    beast::error_code ec;
    const auto ip = net::ip::make_address(address.host, ec);
    if (ec) return fail(ec);
    const tcp::endpoint endpoint(ip, address.port);
    if (acceptor_.open(endpoint.protocol(), ec); ec) return fail(ec);
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) return fail(ec);
    if (acceptor_.bind(endpoint, ec); ec) return fail(ec);
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) return fail(ec);
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
    return Status::success();
  }

  std::uint16_t port() const override { return port_; }

  void stop() override {
    if (stopped_.exchange(true)) return;
    if (thread_.joinable()) {
      // Close everything on the server thread (sockets are not thread-safe), then stop it.
      std::promise<void> closed;
      net::post(io_, [this, &closed] {
        beast::error_code ignored;
        acceptor_.close(ignored);
        for (const auto& weak : sessions_) {
          if (auto session = weak.lock()) session->abort();
        }
        closed.set_value();
      });
      closed.get_future().wait();
      io_.stop();
      thread_.join();
    }
  }

 private:
  void accept() {
    acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        auto session = std::make_shared<Session>(std::move(socket), context_);
        std::erase_if(sessions_, [](const std::weak_ptr<Session>& weak) { return weak.expired(); });
        sessions_.push_back(session);
        session->start();
      }
      if (acceptor_.is_open()) accept();
    });
  }

  // io_ is declared first so it is destroyed last: pending handlers (and the sessions they
  // keep alive) go with it, after the acceptor.
  net::io_context io_{1};
  std::shared_ptr<const Context> context_;
  tcp::acceptor acceptor_;
  std::vector<std::weak_ptr<Session>> sessions_;  // server thread only
  std::thread thread_;
  std::atomic<bool> stopped_{false};
  std::uint16_t port_ = 0;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerSettings& settings, Handler handler) {
  auto server = std::make_unique<BeastServer>(std::make_shared<const Context>(Context{settings, std::move(handler)}));
  if (Status s = server->open(); !s) return s.error();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace pgshadow::http
