package dev.constellation.awsfake;

/** STS (awsQuery, 2011-06-15): GetCallerIdentity. */
final class Sts {

  static final String XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
  private final FakeAws fake;

  Sts(FakeAws fake) {
    this.fake = fake;
  }

  Resp handle(String op, Req req) {
    if (!op.equals("GetCallerIdentity")) {
      throw new AwsError(400, "InvalidAction", "The action " + op + " is not valid for this web service.");
    }
    String result = new Xml().el("Arn", "arn:aws:iam::" + fake.accountId() + ":user/constellation-test")
        .el("UserId", "AIDAFAKEUSERID0000001").el("Account", fake.accountId()).toString();
    return Protocol.querySuccess(XMLNS, op, result, fake.ids.requestId());
  }
}
