// sluice functions serve [--addr 127.0.0.1:8080] [--static DIR]: the
// function runtime on its own: Lambda's Invoke API and function URLs
// (serve/invoke_routes.h) for every function in the state directory, until
// SIGINT or SIGTERM. With --static, every other path is a file of DIR
// (net/static_files.h), so a web page and the function it calls share an
// origin.
#include <signal.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "cli/app.h"
#include "net/http_server.h"
#include "net/static_files.h"
#include "serve/function_runtime.h"
#include "serve/invoke_routes.h"

namespace sluice::cli {
namespace {

struct ServeFlags {
  std::string addr = "127.0.0.1:8080";
  int threads = 0;  // 0: the number of cores
  int instances = 0;
  std::string static_dir;
};

int Serve(const GlobalOptions& options, const ServeFlags& flags) {
  auto listen = ParseListenAddress("--addr", flags.addr);
  if (!listen.ok()) return Fail(listen.status(), kExitUsage);
  const auto& [host, port] = *listen;
  // Signals are taken by sigwait below, in this thread only.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  std::shared_ptr<const net::StaticFiles> files;
  if (!flags.static_dir.empty()) {
    auto opened = net::StaticFiles::Open(flags.static_dir);
    if (!opened.ok()) return Fail(opened.status().Annotate("--static"), kExitUsage);
    files = std::make_shared<const net::StaticFiles>(std::move(*opened));
  }

  App app(options);
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  // One server for the routes and the instances' Runtime API: an
  // invocation stays on its I/O threads from request to answer.
  net::HttpServerOptions server_options;
  server_options.io_threads =
      flags.threads > 0 ? flags.threads
                        : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  server_options.max_body_bytes = serve::kRuntimeApiMaxBody;
  auto server = net::HttpServer::Create(server_options);
  serve::RuntimeOptions runtime_options;
  runtime_options.state_dir = app.StateDir();
  runtime_options.max_instances_per_version = flags.instances;
  runtime_options.runtime_api_server = server.get();
  auto runtime = serve::FunctionRuntime::Start(**store, runtime_options);
  if (!runtime.ok()) return Fail(runtime.status());

  serve::FunctionRuntime* rt = runtime->get();
  store::Store* st = *store;
  uint16_t bound = 0;
  auto listener = server->Listen(
      host, static_cast<uint16_t>(port),
      [rt, st, files](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
        if (serve::HandleInvokeRoute(*rt, *st, request, responder)) return;
        if (files) {
          responder->Send(files->Answer(request));
        } else {
          responder->Send(net::HttpResponse::Json(
              404,
              R"({"message":"no such route: use /fn/NAME[/ALIAS] or POST /2015-03-31/functions/NAME/invocations"})"));
        }
      },
      &bound);
  if (!listener.ok()) return Fail(listener.status());
  std::cout << "serving functions on http://" << host << ":" << bound
            << " (function URLs at /fn/NAME[/ALIAS], the Invoke API at "
               "/2015-03-31/functions/NAME/invocations"
            << (files ? ", the files of " + files->root().string() + " at /" : std::string())
            << "); Ctrl-C stops" << std::endl;
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  std::cout << "stopping" << std::endl;
  server->Close(*listener);
  (*runtime)->Shutdown();
  server->Stop();
  return kExitOk;
}

}  // namespace

void AddFunctionsServeCommand(CLI::App& functions_cmd, GlobalOptions& options) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = functions_cmd.add_subcommand(
      "serve", "Serve the functions' URLs and the Invoke API until stopped");
  serve->add_option("--addr", flags->addr, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--threads", flags->threads, "HTTP I/O threads (default: the number of cores)");
  serve->add_option("--instances", flags->instances,
                    "Instances per function version at most (default: twice the number of cores)");
  serve->add_option("--static", flags->static_dir,
                    "Also serve the files of DIR at / (GET and HEAD; index.html for a directory)");
  serve->callback([&options, flags] { std::exit(Serve(options, *flags)); });
}

}  // namespace sluice::cli
