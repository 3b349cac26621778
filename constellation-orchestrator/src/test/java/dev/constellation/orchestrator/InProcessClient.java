package dev.constellation.orchestrator;

/** A client that hands its JSON straight to the actions, with no network between. */
class InProcessClient extends JsonOrchestratorClient {

  private final OrchestratorActions actions;

  InProcessClient(OrchestratorActions actions) {
    this.actions = actions;
  }

  @Override
  protected String exchange(String jsonRequest) throws OrchestratorException {
    return actions.handle(jsonRequest);
  }

  @Override
  public String address() {
    return "in-process";
  }
}
