# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""landing: the first visitor after every idle gap waits ~14 s for a Spring Boot cold start.

Story: the campaign landing page gets a trickle of traffic (a few visits,
then 20+ minutes of nothing). min-instances is 0, so Cloud Run scales to zero
and the next visitor pays for a JVM + Spring context start (~13 s, 1 vCPU, no
startup CPU boost). Nothing errors; marketing reports on Trello that the page
"sometimes takes 15 seconds". Monitoring has request latencies and startup
latencies.
"""

from __future__ import annotations

import casegen as g

APP_JAVA = '''\
package com.example.landing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class LandingApplication {
    public static void main(String[] args) {
        SpringApplication.run(LandingApplication.class, args);
    }
}
'''

CONTROLLER_JAVA = '''\
package com.example.landing;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

@Controller
public class LandingController {
    private final SignupService signups;

    public LandingController(SignupService signups) {
        this.signups = signups;
    }

    @GetMapping("/")
    public String index(Model model) {
        model.addAttribute("campaign", "summer-2026");
        return "index";
    }

    @PostMapping("/signup")
    public String signup(@RequestParam String email) {
        signups.register(email);
        return "thanks";
    }
}
'''

SERVICE_YAML = '''\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: landing
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/maxScale: "5"
    spec:
      containerConcurrency: 80
      serviceAccountName: landing@brightpath-web.iam.gserviceaccount.com
      containers:
        - image: us-central1-docker.pkg.dev/brightpath-web/sites/landing:1.4.0
          ports:
            - containerPort: 8080
          resources:
            limits:
              cpu: "1"
              memory: 1Gi
'''

DOCKERFILE = '''\
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q -DskipTests package

FROM eclipse-temurin:21-jre
COPY --from=build /src/target/landing-1.4.0.jar /app.jar
ENTRYPOINT ["java", "-jar", "/app.jar"]
'''

POM = '''\
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.4.0</version>
  </parent>
  <groupId>com.example</groupId>
  <artifactId>landing</artifactId>
  <version>1.4.0</version>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-thymeleaf</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-data-jpa</artifactId>
    </dependency>
  </dependencies>
</project>
'''


def build() -> g.Case:
    card = "bV4mXq2L"
    c = g.Case("landing-cold-start", "landing: page sometimes takes ~15 s to load",
               project="brightpath-web", region="us-central1", target_type="service", target_name="landing",
               start="2026-07-08T13:00:00Z", end="2026-07-08T17:00:00Z", lang="en", trello_card=f"https://trello.com/c/{card}")
    c.add_files({"src/main/java/com/example/landing/LandingApplication.java": APP_JAVA,
                 "src/main/java/com/example/landing/LandingController.java": CONTROLLER_JAVA,
                 "service.yaml": SERVICE_YAML, "Dockerfile": DOCKERFILE, "pom.xml": POM})
    rev = "landing-00011-woz"
    tmpl = g.template([g.container("landing-1", "us-central1-docker.pkg.dev/brightpath-web/sites/landing:1.4.0", memory="1Gi")],
                      service_account="landing@brightpath-web.iam.gserviceaccount.com", max_instances=5)
    c.add_service("landing", [{"name": rev, "tmpl": tmpl, "created": "2026-06-30T16:20:00Z"}], traffic=[(rev, 100)],
                  creator="sam.ortiz@brightpath.example", created="2026-06-01T00:00:00Z")
    res = c.res("landing", rev)
    host = c.host("landing")
    slow, starts, startup_ms, lat = [], [], [], []
    t = g.at(c.start, minutes=7)
    while t < g.at(c.end, minutes=-10):
        inst = c.logs.instance_id()
        boot = 12.4 + c.rng.random() * 2.2
        starts.append(c.logs.system(t, res, inst, f"Starting new instance. Reason: {g.AUTOSCALING}"))
        c.logs.app(g.at(t, seconds=1.9), res, inst, "\n  .   ____          _            __ _ _\n /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\\n( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\\n \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )\n  '  |____| .__|_| |_|_| |_\\__, | / / / /\n =========|_|==============|___/=/_/_/_/\n\n :: Spring Boot ::                (v3.4.0)\n")
        c.logs.app(g.at(t, seconds=boot - 0.05), res, inst,
                   f"{g.fmt(g.at(t, seconds=boot - 0.05))[:-4]}Z  INFO 1 --- [landing] [           main] c.e.landing.LandingApplication           : Started LandingApplication in {boot - 1.1:.3f} seconds (process running for {boot - 0.2:.3f})")
        c.logs.system(g.at(t, seconds=boot), res, inst, g.tcp_probe_ok("landing-1", 8080))
        startup_ms.append(boot * 1000)
        first_lat = boot + 0.35 + c.rng.random() * 0.5
        slow.append(c.logs.request(t, res, inst, "GET", f"https://{host}/?utm_source=newsletter", 200, first_lat))
        lat.append(first_lat * 1000)
        visits = c.rng.randint(3, 9)
        for v in range(visits):
            vt = g.at(t, seconds=first_lat + 5 + c.rng.random() * 240)
            lt = 0.02 + c.rng.random() * 0.09
            c.logs.request(vt, res, inst, c.rng.choice(["GET", "GET", "POST"]), f"https://{host}/" if v % 3 else f"https://{host}/signup",
                           200, lt)
            lat.append(lt * 1000)
            for asset in ("/css/site.css", "/img/hero.webp"):
                c.logs.request(g.at(vt, seconds=0.2), res, inst, "GET", f"https://{host}{asset}", 200, 0.004)
        c.logs.system(g.at(t, minutes=15 + c.rng.random() * 2), res, inst, "Shutting down user disabled instance")
        t = g.at(t, minutes=22 + c.rng.random() * 18)
    c.logs.request(g.at(c.start, minutes=40), res, None, "GET", f"https://{host}/wp-login.php", 404, 0.003)
    bounds = [100, 250, 500, 1000, 2500, 5000, 10000, 20000]
    c.timeseries.append(g.series("run.googleapis.com/container/startup_latencies", {}, res, "DELTA", "DISTRIBUTION",
                                 [(c.start, c.end, g.distribution(startup_ms, bounds))]))
    c.timeseries.append(g.series("run.googleapis.com/request_latencies", {"response_code_class": "2xx"}, res, "DELTA", "DISTRIBUTION",
                                 [(c.start, c.end, g.distribution(lat, bounds))]))
    c.cards[card] = g.trello_card(card, name="Landing page sometimes very slow", board="Web team",
                                  desc="Several people from marketing say the summer landing page sometimes takes 10-15 seconds "
                                       "to show up, then it's fast again. Mostly on the first click from the newsletter.",
                                  created=g.at(c.end, minutes=-20),
                                  comments=[(g.at(c.end, minutes=-12), "nora.bell", "Reproduced once at 16:40 (UTC) from my phone, second load was instant."),
                                            (g.at(c.end, minutes=-5), "sam.ortiz", "No errors in the dashboard. Could it be the CDN?")],
                                  rng=c.rng)
    c.expect = {
        "root_causes": ["cold-start-latency"],
        "must_cite": [
            [f"run.googleapis.com/requests#{i}" for i in slow] + [f"run.googleapis.com/varlog/system#{i}" for i in starts],
            [f"{c.svc_name('landing')}#template.scaling.minInstanceCount", f"{c.svc_name('landing')}#template.scaling",
             c.cite("service.yaml", 'autoscaling.knative.dev/maxScale: "5"'),
             f"{c.svc_name('landing')}#template.containers[0].resources.startupCpuBoost"],
        ],
    }
    return c
