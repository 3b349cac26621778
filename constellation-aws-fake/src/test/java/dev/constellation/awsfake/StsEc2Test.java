package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Region;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.sts.StsClient;

class StsEc2Test {

  private FakeAws fake;

  @BeforeEach
  void start() {
    fake = FakeAws.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void getCallerIdentityNamesTheAccount() {
    try (StsClient sts = Clients.of(StsClient.builder(), fake, "us-east-1")) {
      var id = sts.getCallerIdentity();
      assertThat(id.account()).isEqualTo("123456789012");
      assertThat(id.arn()).isEqualTo("arn:aws:iam::123456789012:user/constellation-test");
    }
    assertThat(fake.journal().calls()).containsExactly(
        new Call("sts", "us-east-1", "GetCallerIdentity", false, "Action=GetCallerIdentity&Version=2011-06-15"));
  }

  @Test
  void describeRegionsShowsOptInStatus() {
    fake.faults().optedOut("af-south-1");
    try (Ec2Client ec2 = Clients.of(Ec2Client.builder(), fake, "us-east-1")) {
      List<Region> enabled = ec2.describeRegions().regions();
      assertThat(enabled).extracting(Region::regionName).contains("us-east-1", "eu-west-1", "ap-east-1")
          .doesNotContain("af-south-1");
      List<Region> all = ec2.describeRegions(r -> r.allRegions(true)).regions();
      assertThat(all).filteredOn(r -> r.regionName().equals("af-south-1")).singleElement()
          .satisfies(r -> assertThat(r.optInStatus()).isEqualTo("not-opted-in"));
      assertThat(all).filteredOn(r -> r.regionName().equals("us-east-2")).singleElement()
          .satisfies(r -> assertThat(r.optInStatus()).isEqualTo("opt-in-not-required"));
    }
    try (Ec2Client cpt = Clients.of(Ec2Client.builder(), fake, "af-south-1")) {
      assertThatThrownBy(cpt::describeVpcs).isInstanceOfSatisfying(Ec2Exception.class,
          e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthFailure"));
    }
  }

  @Test
  void everyRegionHasADefaultVpcWithPublicSubnetsAndAnInternetRoute() {
    try (Ec2Client ec2 = Clients.of(Ec2Client.builder(), fake, "eu-west-1")) {
      var vpcs = ec2.describeVpcs(r -> r.filters(Filter.builder().name("isDefault").values("true").build())).vpcs();
      assertThat(vpcs).singleElement().satisfies(v -> {
        assertThat(v.isDefault()).isTrue();
        assertThat(v.cidrBlock()).isEqualTo("172.31.0.0/16");
      });
      String vpc = vpcs.get(0).vpcId();
      List<Subnet> subnets = ec2.describeSubnets(r -> r.filters(
          Filter.builder().name("vpc-id").values(vpc).build(),
          Filter.builder().name("default-for-az").values("true").build())).subnets();
      assertThat(subnets).hasSize(3).allSatisfy(s -> {
        assertThat(s.mapPublicIpOnLaunch()).isTrue();
        assertThat(s.vpcId()).isEqualTo(vpc);
      });
      assertThat(subnets).extracting(Subnet::availabilityZone)
          .containsExactly("eu-west-1a", "eu-west-1b", "eu-west-1c");
      var tables = ec2.describeRouteTables(r -> r.filters(
          Filter.builder().name("vpc-id").values(vpc).build(),
          Filter.builder().name("association.main").values("true").build())).routeTables();
      assertThat(tables).singleElement().satisfies(t -> {
        assertThat(t.associations()).singleElement().satisfies(a -> assertThat(a.main()).isTrue());
        assertThat(t.routes()).anySatisfy(route -> {
          assertThat(route.destinationCidrBlock()).isEqualTo("0.0.0.0/0");
          assertThat(route.gatewayId()).startsWith("igw-");
        });
      });
    }
    fake.faults().noDefaultVpc("us-west-2");
    try (Ec2Client ec2 = Clients.of(Ec2Client.builder(), fake, "us-west-2")) {
      assertThat(ec2.describeVpcs(r -> r.filters(Filter.builder().name("isDefault").values("true").build()))
          .vpcs()).isEmpty();
      assertThat(ec2.describeSubnets().subnets()).isEmpty();
    }
  }

  @Test
  void securityGroupsAreCreatedTaggedFoundByTagAndDeleted() {
    try (Ec2Client ec2 = Clients.of(Ec2Client.builder(), fake, "us-east-2")) {
      String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
      var created = ec2.createSecurityGroup(r -> r.groupName("constellation-agents")
          .description("Constellation agents: no ingress").vpcId(vpc)
          .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
              .tags(Tag.builder().key("constellation:managed").value("true").build()).build()));
      String id = created.groupId();
      assertThat(id).matches("sg-[0-9a-f]{17}");

      assertThatThrownBy(() -> ec2.createSecurityGroup(r -> r.groupName("constellation-agents")
          .description("again").vpcId(vpc))).isInstanceOfSatisfying(Ec2Exception.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidGroup.Duplicate"));

      ec2.createTags(r -> r.resources(id).tags(Tag.builder().key("constellation:home").value("eu-west-1").build()));
      List<SecurityGroup> byTag = ec2.describeSecurityGroups(r -> r.filters(
          Filter.builder().name("tag:constellation:managed").values("true").build(),
          Filter.builder().name("vpc-id").values(vpc).build())).securityGroups();
      assertThat(byTag).singleElement().satisfies(g -> {
        assertThat(g.groupId()).isEqualTo(id);
        assertThat(g.groupName()).isEqualTo("constellation-agents");
        assertThat(g.ipPermissions()).isEmpty();
        assertThat(g.tags()).extracting(Tag::key, Tag::value).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("constellation:managed", "true"),
            org.assertj.core.groups.Tuple.tuple("constellation:home", "eu-west-1"));
      });
      assertThat(ec2.describeSecurityGroups(r -> r.filters(
          Filter.builder().name("group-name").values("default").build())).securityGroups()).hasSize(1);
      assertThat(fake.resources("ec2")).singleElement().satisfies(res -> {
        assertThat(res.id()).isEqualTo(id);
        assertThat(res.region()).isEqualTo("us-east-2");
        assertThat(res.tags()).isEqualTo(Map.of("constellation:managed", "true", "constellation:home", "eu-west-1"));
      });

      ec2.deleteSecurityGroup(r -> r.groupId(id));
      assertThat(fake.resources("ec2")).isEmpty();
      assertThatThrownBy(() -> ec2.deleteSecurityGroup(r -> r.groupId(id))).isInstanceOfSatisfying(
          Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidGroup.NotFound"));
    }
    assertThat(fake.journal().mutating()).extracting(Call::operation).containsExactly(
        "CreateSecurityGroup", "CreateSecurityGroup", "CreateTags", "DeleteSecurityGroup", "DeleteSecurityGroup");
    assertThat(FormAssert.form(fake.journal().calls("ec2", "CreateSecurityGroup").get(0).body()))
        .containsEntry("Action", "CreateSecurityGroup")
        .containsEntry("TagSpecification.1.ResourceType", "security-group")
        .containsEntry("TagSpecification.1.Tag.1.Key", "constellation:managed");
  }
}
